#!/bin/sh
# The fixed entrypoint: the same wrapper, but `exec` replaces the shell with the
# app, so the app is PID 1 and receives SIGTERM itself.
APP_DIR=$(cd "$(dirname "$0")" && pwd)
export NODE_ENV="${NODE_ENV:-production}"
export DEMO_LATENCY_MS="${DEMO_LATENCY_MS:-50}"
echo "entrypoint-exec: exec-ing the app (it becomes PID 1)"
exec node "$APP_DIR/app.mjs"
