# A real gRPC server (Debian's python3-grpcio) for rollcheck's tests: it answers
# grpc.health.v1.Health/Check with SERVING and names itself in x-pod-name, with
# no generated code (raw bytes through a generic handler). It prints its port.
# Usage: /usr/bin/python3 grpc-server.py POD [PORT [DELAY_MS]] (DELAY_MS: each call waits that long).
import sys
import time
from concurrent import futures

import grpc

SERVING = b"\x08\x01"


def check(request, context):
    context.send_initial_metadata((("x-pod-name", POD),))
    if DELAY_S > 0:
        time.sleep(DELAY_S)
    return SERVING


POD = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
DELAY_S = int(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0
handler = grpc.method_handlers_generic_handler(
    "grpc.health.v1.Health",
    {"Check": grpc.unary_unary_rpc_method_handler(check)},
)
server = grpc.server(futures.ThreadPoolExecutor(max_workers=64), handlers=(handler,))
bound = server.add_insecure_port("127.0.0.1:%d" % port)
server.start()
print("port %d" % bound, flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
