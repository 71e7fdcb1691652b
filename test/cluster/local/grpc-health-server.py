# A real gRPC server (Debian's python3-grpcio) as a pod of the embedded runtime:
# it listens on $HOST:$PORT, answers grpc.health.v1.Health/Check (raw bytes
# through a generic handler: no generated code, no grpc_health package) and
# names itself in x-pod-name. Knobs:
#   GRPC_TEST_HEALTH=0        no health service at all (Check is UNIMPLEMENTED)
#   GRPC_TEST_READY_AFTER_MS  NOT_SERVING for this long after start (default 0)
#   GRPC_TEST_GRACE_S         at SIGTERM: NOT_SERVING, server.stop(grace), exit 0 (default 2)
import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

POD = os.environ.get("POD_NAME", "grpc-test")
SERVING = b"\x08\x01"
NOT_SERVING = b"\x08\x02"
started = time.monotonic()
ready_after = float(os.environ.get("GRPC_TEST_READY_AFTER_MS", "0")) / 1000
state = {"stopping": False}


def check(request, context):
    context.send_initial_metadata((("x-pod-name", POD),))
    if state["stopping"] or time.monotonic() - started < ready_after:
        return NOT_SERVING
    return SERVING


handlers = []
if os.environ.get("GRPC_TEST_HEALTH", "1") != "0":
    handlers.append(
        grpc.method_handlers_generic_handler(
            "grpc.health.v1.Health", {"Check": grpc.unary_unary_rpc_method_handler(check)}
        )
    )
server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), handlers=handlers)
server.add_insecure_port("%s:%s" % (os.environ["HOST"], os.environ["PORT"]))
server.start()
print("%s listening on %s:%s" % (POD, os.environ["HOST"], os.environ["PORT"]), flush=True)
done = threading.Event()


def on_term(signum, frame):
    state["stopping"] = True
    print("%s SIGTERM: graceful stop" % POD, flush=True)
    server.stop(float(os.environ.get("GRPC_TEST_GRACE_S", "2"))).wait()
    done.set()


signal.signal(signal.SIGTERM, on_term)
while not done.wait(3600):
    pass
sys.exit(0)
