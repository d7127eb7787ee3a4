#!/usr/bin/env bash
# The browser tests (web/tests/): Debian's Chromium, driven by playwright-core, against the real
# services, a private PostgreSQL and the web app, all started by scripts/dev.sh with access tokens
# that live a few seconds. From a fresh clone it installs what is missing (chromium by apt-get, the
# test package by `npm ci` in web/), builds both services, runs the tests and stops everything.
# Screenshots of every view land in target/browser-screenshots/; the mails auth-service sent, in
# $DEV_DIR/mail/.
#
#   bash scripts/browser-tests.sh                                # every test
#   bash scripts/browser-tests.sh web/tests/tabs.test.mjs        # some
#
# Needs node 20 or newer with npm. CHROMIUM (default /usr/bin/chromium) names another Chromium;
# BROWSER_TEST_TOKEN_SECONDS (4) is ACCESS_TOKEN_EXPIRY, BROWSER_TEST_REAUTH_SECONDS (6)
# REAUTH_WINDOW. Ports, chosen to run beside a plain scripts/dev.sh: DEV_WEB_PORT 3100,
# DEV_AUTH_PORT 18080, DEV_RESOURCE_PORT 18081, DEV_PG_PORT 54339, metrics 19090 and 19091 (each
# DEV_* variable overrides its port).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { echo "browser-tests: $*" >&2; }
die() { log "$*"; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- what the tests need ---------------------------------------------------------------------
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  command -v apt-get >/dev/null 2>&1 || die "no Chromium at $CHROMIUM and no apt-get to install one; set CHROMIUM"
  log "installing chromium (apt-get install chromium)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null 2>&1 || die "node 20 or newer is needed"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] \
  || die "node 20 or newer is needed (this is $(node --version))"
# Only playwright-core, from the npm registry; it never downloads a browser (we bring Chromium).
log "installing the test package (npm ci in web/)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)

# ---- the system under test -------------------------------------------------------------------
export DEV_DIR=${DEV_DIR:-target/browser-tests}
export DEV_WEB_PORT=${DEV_WEB_PORT:-3100} DEV_AUTH_PORT=${DEV_AUTH_PORT:-18080}
export DEV_RESOURCE_PORT=${DEV_RESOURCE_PORT:-18081} DEV_PG_PORT=${DEV_PG_PORT:-54339}
export DEV_AUTH_METRICS_PORT=${DEV_AUTH_METRICS_PORT:-19090}
export DEV_RESOURCE_METRICS_PORT=${DEV_RESOURCE_METRICS_PORT:-19091}
export BROWSER_TEST_TOKEN_SECONDS=${BROWSER_TEST_TOKEN_SECONDS:-4}
export BROWSER_TEST_REAUTH_SECONDS=${BROWSER_TEST_REAUTH_SECONDS:-6}
# Short-lived access tokens, verified without leeway, so that the tests see several expiries a
# minute. The per-address rate limit is off: every test browser is 127.0.0.1, and the tests
# would otherwise throttle each other (the 429 message is tested with a stubbed answer).
export ACCESS_TOKEN_EXPIRY=${BROWSER_TEST_TOKEN_SECONDS}s JWT_LEEWAY=0 BCRYPT_COST=4
export RATE_LIMIT_PER_IP=off LOGIN_MAX_FAILURES=100 RUST_LOG=${RUST_LOG:-warn}
# A login counts as recent for a few seconds only (docs/TOKENS.md, Recent login), so that the
# tests meet reauth_required; the app proves the password again and retries.
export REAUTH_WINDOW=${BROWSER_TEST_REAUTH_SECONDS}s

# A fresh database each run, unless a cluster left running there (an interrupted run) is in use.
case "$DEV_DIR" in /*) dir=$DEV_DIR ;; *) dir=$ROOT/$DEV_DIR ;; esac
if [ -f "$dir/pgdata/postmaster.pid" ]; then
  log "a cluster is still running in $dir; reusing it"
else
  rm -rf "$dir"
fi

# auth-service writes its mails there as .eml files (no SMTP_URL); recovery.test.mjs reads the
# links in them.
export MAIL_DIR=$dir/mail

export BROWSER_SCREENSHOTS=$ROOT/target/browser-screenshots/
rm -rf "$BROWSER_SCREENSHOTS"
mkdir -p "$BROWSER_SCREENSHOTS"

TESTS=("$@")
if [ ${#TESTS[@]} -eq 0 ]; then
  # client.unit.test.mjs needs neither the browser nor the services; it runs here so CI runs it.
  TESTS=(web/tests/client.unit.test.mjs
    web/tests/journey.test.mjs web/tests/photos.test.mjs web/tests/errors.test.mjs
    web/tests/lifetimes.test.mjs web/tests/tabs.test.mjs web/tests/revocation.test.mjs
    web/tests/foreign-origin.test.mjs web/tests/recovery.test.mjs web/tests/reauth.test.mjs)
fi

log "building both services"
cargo build -p auth-service -p resource-service
started=$SECONDS
status=0
bash scripts/dev.sh -- node --test --test-concurrency=1 --test-timeout=180000 \
  --test-reporter=spec "${TESTS[@]}" || status=$?
log "tests and services took $((SECONDS - started)) s; screenshots in $BROWSER_SCREENSHOTS"
[ "$status" -eq 0 ] || log "FAILED (exit $status); the services' logs are in $dir"
exit "$status"
