# Arrival clock for the h2 accuracy bench: counts the HTTP/2 requests (HEADERS
# frames opening a client stream) sent to 127.0.0.1:PORT, each stamped with
# the time the kernel put its packet through the loopback device (SO_TIMESTAMPNS
# on an AF_PACKET socket bound to lo: the stamp is taken as the packet passes,
# however late this process reads it). So the count is of when requests reached
# the server's socket, untouched by when the server (or this process) got a core.
# Needs root (CAP_NET_RAW). Usage: python3 arrival-sniffer.py PORT [stamps]
# Prints "ready" once capturing; when its stdin closes, prints one JSON line:
# {"perMs": [[epochMs, requests], ...], "packets": n, "gaps": n, "drops": n, "unseen": n}
# and with `stamps`, "stampsUs": every request's stamp (µs since the epoch), in order.
# gaps: bytes missing from a connection's stream (a packet not captured);
# drops: packets the socket dropped (its buffer full); unseen: connections whose
# start was not captured. Any of them non-zero means the count is incomplete.
import ctypes
import json
import select
import socket
import struct
import sys
import time

PORT = int(sys.argv[1])
STAMPS = len(sys.argv) > 2 and sys.argv[2] == "stamps"
SO_TIMESTAMPNS = 35  # asm-generic, x86_64 and arm64
SO_ATTACH_FILTER = 26
SO_RCVBUFFORCE = 33
SOL_PACKET = 263
PACKET_STATISTICS = 6
ETH_P_ALL = 3
PREFACE_BYTES = 24

# Classic BPF: packets received on lo (PACKET_HOST), IPv4, TCP, not a fragment, to PORT.
INSNS = [
    (0x20, 0, 0, 0xFFFFF004),  # ld pkttype
    (0x15, 0, 10, 0),  # jeq PACKET_HOST
    (0x28, 0, 0, 12),  # ldh ethertype
    (0x15, 0, 8, 0x0800),  # jeq IPv4
    (0x30, 0, 0, 23),  # ldb protocol
    (0x15, 0, 6, 6),  # jeq TCP
    (0x28, 0, 0, 20),  # ldh flags + fragment offset
    (0x45, 4, 0, 0x1FFF),  # jset fragment offset: drop
    (0xB1, 0, 0, 14),  # ldxb 4*(ihl)
    (0x48, 0, 0, 16),  # ldh [x+16]: TCP destination port
    (0x15, 0, 1, PORT),  # jeq PORT
    (0x06, 0, 0, 0x40000),  # ret whole packet
    (0x06, 0, 0, 0),  # ret drop
]

sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in INSNS))
sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack("HL", len(INSNS), ctypes.addressof(code)))
# A large buffer: this process may be kept off a core for a while; the kernel keeps the packets (and their stamps).
sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 256 << 20)
sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
sock.bind(("lo", 0))
sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8)  # reading the statistics resets them: count from here

per_ms = {}
stamps_us = []
conns = {}  # client port -> [next expected seq, stream bytes not yet parsed, preface octets still to skip]
packets = gaps = unseen = 0


def on_packet(data, us):
    global gaps, unseen
    if len(data) < 34 or data[12:14] != b"\x08\x00" or data[23] != 6:
        return
    ip = 14
    tcp = ip + (data[ip] & 15) * 4
    src, dst, seq = struct.unpack_from("!HHI", data, tcp)
    if dst != PORT:
        return
    flags = data[tcp + 13]
    payload = data[tcp + (data[tcp + 12] >> 4) * 4 : ip + struct.unpack_from("!H", data, ip + 2)[0]]
    if flags & 0x02:  # SYN: a new connection from this port
        conns[src] = [(seq + 1) & 0xFFFFFFFF, bytearray(), PREFACE_BYTES]
        return
    c = conns.get(src)
    if c is None:
        if payload:
            unseen += 1
            conns[src] = None
        return
    if not payload:
        return
    ahead = (seq - c[0]) & 0xFFFFFFFF
    if ahead >= 1 << 31:  # a retransmission overlapping what was had: keep only the new bytes
        payload = payload[((c[0] - seq) & 0xFFFFFFFF) :]
    elif ahead > 0:
        gaps += 1
        conns[src] = None
        return
    c[0] = (c[0] + len(payload)) & 0xFFFFFFFF
    buf = c[1]
    buf += payload
    if c[2] > 0:
        skip = min(c[2], len(buf))
        del buf[:skip]
        c[2] -= skip
    i = 0
    while len(buf) - i >= 9:
        length = (buf[i] << 16) | (buf[i + 1] << 8) | buf[i + 2]
        if len(buf) - i < 9 + length:
            break
        sid = struct.unpack_from("!I", buf, i + 5)[0] & 0x7FFFFFFF
        if buf[i + 3] == 1 and sid & 1:
            ms = us // 1000
            per_ms[ms] = per_ms.get(ms, 0) + 1
            if STAMPS:
                stamps_us.append(us)
        i += 9 + length
    del buf[:i]


def take(data, anc):
    global packets
    packets += 1
    for level, kind, value in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", value[:16])
            on_packet(data, sec * 1000000 + nsec // 1000)


def drain():
    while True:
        try:
            take(*sock.recvmsg(1 << 18, 64)[:2])
        except BlockingIOError:
            return


# Read in bursts every DRAIN_S, not at every packet: fewer wake-ups take less CPU from the server and the
# generator beside it (on two cores there is no core of its own), and the kernel keeps each packet's stamp.
DRAIN_S = 0.02
sock.setblocking(False)
print("ready", flush=True)
while True:
    ready, _, _ = select.select([sock, sys.stdin], [], [])
    if sys.stdin in ready and sys.stdin.buffer.read1(4096) == b"":
        break
    drain()
    time.sleep(DRAIN_S)
# What is still queued arrived before the stop: read it too.
drain()
drops = struct.unpack("II", sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))[1]
out = {"perMs": sorted(per_ms.items()), "packets": packets, "gaps": gaps, "drops": drops, "unseen": unseen}
if STAMPS:
    out["stampsUs"] = stamps_us
print(json.dumps(out), flush=True)
