#!/usr/bin/env bash
# Runs `npm test` as on a fresh machine that has only Node and util-linux: every
# optional tool the tests know (test/tools.ts) is hidden behind an empty,
# non-executable file in a private mount namespace, so its tests must skip,
# naming their Debian package. Needs root (unshare --mount). Arguments go to npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test-without-tools: needs root (unshare --mount)" >&2; exit 2; }
tools=(tini podman runc busybox chromium tmux nginx haproxy kubectl gunicorn uvicorn caddy wrk)
hide=""
for t in "${tools[@]}"; do
  while read -r path; do
    [ -n "$path" ] && hide+="mount --bind \"\$blank\" \"$path\" 2>/dev/null || true; "
  done < <(type -a -p "$t" 2>/dev/null | sort -u; [ -e "/bin/$t" ] && readlink -f "/bin/$t")
done
export ROLLCHECK_TEST_STRICT=
exec unshare --mount --propagation private bash -c "
  blank=\$(mktemp); chmod 0644 \"\$blank\"
  $hide
  rm -f \"\$blank\"
  for t in ${tools[*]}; do command -v \"\$t\" >/dev/null && [ -x \"\$(command -v \$t)\" ] && echo \"still visible: \$t\" >&2; done
  npm test -- \"\$@\"
" test-without-tools "$@"
