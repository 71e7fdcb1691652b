#!/bin/sh
# The common broken entrypoint: a shell wrapper that sets a few variables and
# then runs the app WITHOUT exec. The shell stays PID 1 of the container; PID 1
# ignores SIGTERM unless it installs a handler (and sh does not forward it), so
# the app never hears SIGTERM and is SIGKILLed at the end of the grace period.
APP_DIR=$(cd "$(dirname "$0")" && pwd)
export NODE_ENV="${NODE_ENV:-production}"
export DEMO_LATENCY_MS="${DEMO_LATENCY_MS:-50}"
echo "entrypoint-shell: starting app as a child of the shell (no exec)"
node "$APP_DIR/app.mjs"
