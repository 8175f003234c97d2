#!/usr/bin/env bash
# The system packages the tests need: Chromium (browser tests), PostgreSQL (database tests),
# Java and npm (the Nu HTML Checker, vnu.jar from npm's vnu-jar; see `make vnu`), nginx
# (`nginx -t` checks deploy/nginx.conf: tests/test_deploy_configs.py), Redis (the shared
# rate-limit store: tests/auth/test_limiter_storage.py starts its own server).
# As root, install what is missing with apt; otherwise stop with a clear message.
set -euo pipefail
missing=()
if [ "${1:-}" = "bench" ]; then
  [ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || missing+=(chromium)
else
if [ -z "${CHROMIUM:-}" ] && ! [ -x /usr/bin/chromium ] && ! command -v chromium >/dev/null; then
  missing+=(chromium)
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  missing+=(postgresql)
fi
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} with apt-get…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "make test needs: ${missing[*]}." >&2
echo "Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}), or set CHROMIUM to a" >&2
echo "Chromium executable and TTHC_TEST_POSTGRES_URL to a PostgreSQL server, then run make test again." >&2
echo "(Java runs the HTML checker; TTHC_VNU_JAR may name a vnu.jar installed another way.)" >&2
exit 1
