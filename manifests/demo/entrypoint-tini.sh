#!/bin/sh
# The other fix: a tiny init (tini) as PID 1 that forwards SIGTERM to the app
# and reaps zombies; the app itself runs as tini's child.
APP_DIR=$(cd "$(dirname "$0")" && pwd)
export NODE_ENV="${NODE_ENV:-production}"
export DEMO_LATENCY_MS="${DEMO_LATENCY_MS:-50}"
echo "entrypoint-tini: exec-ing tini, which runs the app as its child"
exec tini -- node "$APP_DIR/app.mjs"
