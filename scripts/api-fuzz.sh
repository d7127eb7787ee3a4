#!/usr/bin/env bash
# API fuzzing: Schemathesis against both services' own OpenAPI documents, with every check it
# has. A 5xx, or any answer the document does not allow (a status, a header, a body shape, valid
# input refused, invalid input accepted, a wrong method not answered 405 with Allow), fails.
#
# Builds both services, creates two fresh databases on the local PostgreSQL, starts the services
# on free loopback ports with development secrets, registers a user and logs in, then fuzzes
# auth-service and resource-service in turn with the access token as a bearer header. Prints one
# summary line per service; everything it started or created is removed on exit.
#
# Knobs (environment):
#   TEST_DATABASE_URL     a database URL on the server to use; its database part is ignored
#                         (default postgres://postgres:postgres@127.0.0.1:5432/postgres)
#   API_FUZZ_SECONDS      time budget of each service's main run (default 60); Schemathesis
#                         repeats its fuzzing until the budget is spent
#   API_FUZZ_MIN_REQUESTS fewer requests than this against a service fails the run (default 1000)
#   API_FUZZ_WORKERS      concurrent Schemathesis workers (default 1: with more, Python 3.11
#                         trips over its own AST recursion check in Hypothesis, a tool error)
#   API_FUZZ_SEED         Schemathesis seed, to replay a run
#   API_FUZZ_REPORT_DIR   where the reports go (default target/api-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SCHEMATHESIS_VERSION=4.32.5
VENV=$ROOT/target/api-fuzz-venv
SECONDS_PER_SERVICE=${API_FUZZ_SECONDS:-60}
MIN_REQUESTS=${API_FUZZ_MIN_REQUESTS:-1000}
WORKERS=${API_FUZZ_WORKERS:-1}
REPORT_DIR=${API_FUZZ_REPORT_DIR:-$ROOT/target/api-fuzz}
BASE_URL=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}

log() { echo "api-fuzz: $*" >&2; }
started=$(date +%s)

# --- cleanup: stop what we started, drop what we created -------------------------------------
WORK=$(mktemp -d -t api-fuzz.XXXXXX)
# shellcheck source=scripts/lib/scratch.sh
source "$ROOT/scripts/lib/scratch.sh"

# --- tools --------------------------------------------------------------------------------------
command -v psql >/dev/null || { log "psql is needed (Debian: apt-get install postgresql-client)"; exit 1; }
command -v curl >/dev/null || { log "curl is needed"; exit 1; }
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
PY=$VENV/bin/python

log "building both services"
cargo build -q -p auth-service -p resource-service

# --- databases and services ---------------------------------------------------------------------
suffix="$(date +%s)_$$"
for name in "api_fuzz_auth_$suffix" "api_fuzz_resource_$suffix"; do
  psql -q "$ADMIN_URL" -c "CREATE DATABASE \"$name\"" >/dev/null
  DATABASES+=("$name")
done

export ACCESS_TOKEN_SECRET=dev-only-access-secret-0123456789abcdef0123456789abcdef
export REFRESH_TOKEN_SECRET=dev-only-refresh-secret-0123456789abcdef0123456789abcdef
export COOKIE_SECURE=false APP_ENV=development
# The token must outlive the whole run.
export ACCESS_TOKEN_EXPIRY=1h
# Port 0: the kernel picks a free port and the service logs it. Metrics are not under test here.
export BIND_ADDR=127.0.0.1:0 METRICS_ADDR=off
# Uploaded photos and the mails (docs/RECOVERY.md) go with the rest of the run's files.
export PHOTO_STORE="file://$WORK/photos" MAIL_DIR="$WORK/mail"
# Only the start line and errors; the access log of tens of thousands of requests is noise.
export RUST_LOG=warn,auth_service=info,resource_service=info,access=warn

# Starts target/debug/<service> with DATABASE_URL and extra variables; sets PORT to its port.
start() {
  local service=$1 database=$2; shift 2
  env DATABASE_URL="$(db_url "$database")" "$@" "$ROOT/target/debug/$service" \
    >"$WORK/$service.log" 2>&1 &
  PIDS+=($!)
  PORT=
  for _ in $(seq 1 600); do
    PORT=$(sed -n "s/.*$service listening on port \([0-9]*\).*/\1/p" "$WORK/$service.log" | head -n 1)
    [ -n "$PORT" ] && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  log "$service did not start:"; cat "$WORK/$service.log" >&2; exit 1
}

# RATE_LIMIT_PER_IP=0 switches the per-address limit off for this run only: at its default
# (20/min) almost every register, login and refresh the fuzzer sends would be a 429, and the
# bodies behind them would never be exercised. A cheap bcrypt cost keeps login fast; what is
# under test is the HTTP contract, not the hash. The event feed is on, as in a deployment
# (docs/EVENTS.md): the fuzzer's token is not its secret, so it meets the feed's 401s and 400s.
start auth-service "api_fuzz_auth_$suffix" RATE_LIMIT_PER_IP=0 BCRYPT_COST=4 \
  EVENT_FEED_SECRET="api-fuzz-feed-secret-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
AUTH_PORT=$PORT
start resource-service "api_fuzz_resource_$suffix"
RESOURCE_PORT=$PORT
AUTH=http://127.0.0.1:$AUTH_PORT
RESOURCE=http://127.0.0.1:$RESOURCE_PORT
log "auth-service on $AUTH, resource-service on $RESOURCE"

# --- a user and two sessions --------------------------------------------------------------------
json_field() { "$PY" -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
post_json() { curl -sS --fail-with-body -X POST "$AUTH$1" -H 'Content-Type: application/json' -d "$2"; }
PASSWORD="api fuzz password $suffix"
post_json /auth/register "{\"username\":\"fuzzer\",\"email\":\"fuzzer@example.com\",\"full_name\":\"API Fuzzer\",\"password\":\"$PASSWORD\"}" >/dev/null
login() { post_json /auth/login "{\"username\":\"fuzzer\",\"password\":\"$PASSWORD\"}" | json_field access_token; }
# Logging out, logging out everywhere and revoking a session end the fuzzer's own session: they
# run last, with a session of their own, so they do not turn the rest of the run into 401s.
TOKEN=$(login)
ENDING_TOKEN=$(login)
SESSION_ENDING=(--include-name 'POST /auth/logout' --include-name 'POST /auth/logout-all'
  --include-name 'DELETE /auth/sessions/{id}')

# --- fuzzing --------------------------------------------------------------------------------------
mkdir -p "$REPORT_DIR"
seed=()
[ -n "${API_FUZZ_SEED:-}" ] && seed=(--seed "$API_FUZZ_SEED")
FAILED=0

# Requests sent and checks failed, read from a Schemathesis NDJSON report (its console summary's
# wording changes between versions; the report's events do not).
count() {
  # No report at all: Schemathesis failed before it ran; count that as an error.
  [ -s "$1" ] || { echo "0 0 1"; return; }
  "$PY" - "$1" <<'PY'
import json, sys
requests = failed = errors = 0
with open(sys.argv[1]) as report:
    for line in report:
        event = json.loads(line)
        if "ScenarioFinished" in event:
            recorder = event["ScenarioFinished"]["recorder"]
            requests += len(recorder.get("interactions", {}))
            failed += sum(
                check["status"] == "failure"
                for checks in recorder.get("checks", {}).values()
                for check in checks
            )
        elif "NonFatalError" in event or "FatalError" in event:
            errors += 1
print(requests, failed, errors)
PY
}

# Totals per service, over its runs.
declare -A REQUESTS=() FAILED_CHECKS=() ERRORS=() RUNS=()

# fuzz <service> <run> <base url> <token> <seconds> [schemathesis filter options...]
fuzz() {
  local service=$1 run=$2 url=$3 token=$4 seconds=$5; shift 5
  local label=$service${run:+-$run}
  local ndjson="$REPORT_DIR/$label.ndjson" status=0
  rm -f "$ndjson"
  log "fuzzing $label for up to ${seconds}s"
  # Run from the report directory: Schemathesis keeps its replay cache (`st replay <id>`) in
  # ./.schemathesis.
  (cd "$REPORT_DIR" && SCHEMATHESIS_HOOKS="$ROOT/scripts/api-fuzz-hooks.py" \
    "$VENV/bin/schemathesis" --config-file "$ROOT/scripts/api-fuzz.toml" \
    run "$url/openapi.json" \
    --checks all \
    --header "Authorization: Bearer $token" \
    --max-time "$seconds" \
    --workers "$WORKERS" \
    --request-timeout 10 \
    --suppress-health-check all \
    --no-color \
    --report ndjson --report-ndjson-path "$ndjson" \
    --report junit --report-junit-path "$REPORT_DIR/$label.xml" \
    "${seed[@]}" "$@" >"$REPORT_DIR/$label.log" 2>&1) || status=$?
  local requests failed errors
  read -r requests failed errors < <(count "$ndjson")
  REQUESTS[$service]=$(( ${REQUESTS[$service]:-0} + requests ))
  FAILED_CHECKS[$service]=$(( ${FAILED_CHECKS[$service]:-0} + failed ))
  ERRORS[$service]=$(( ${ERRORS[$service]:-0} + errors ))
  RUNS[$service]+="${RUNS[$service]:+, }${run:-main} $requests (${REPORT_DIR#"$ROOT"/}/$label.log)"
  if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$errors" -ne 0 ]; then
    FAILED=1
    tail -n 60 "$REPORT_DIR/$label.log" >&2
  fi
}

run_started=$(date +%s)
fuzz auth-service "" "$AUTH" "$TOKEN" "$SECONDS_PER_SERVICE" \
  --exclude-name 'POST /auth/logout' --exclude-name 'POST /auth/logout-all' \
  --exclude-name 'DELETE /auth/sessions/{id}'
fuzz auth-service session-ending "$AUTH" "$ENDING_TOKEN" 20 "${SESSION_ENDING[@]}"
fuzz resource-service "" "$RESOURCE" "$TOKEN" "$SECONDS_PER_SERVICE"
fuzz_seconds=$(( $(date +%s) - run_started ))

for pid in "${PIDS[@]}"; do
  kill -0 "$pid" 2>/dev/null || { log "a service died during the run"; FAILED=1; }
done
# The causes of any 5xx are here. (actix's own "request parse error" lines are Schemathesis
# probing with a NUL byte in a header, which actix refuses with 400 before the service sees it.)
errors=$(grep -h ' ERROR ' "$WORK"/*.log 2>/dev/null | grep -v 'actix_http::h1::dispatcher' || true)
if [ -n "$errors" ]; then
  log "the services logged errors:"; head -n 20 <<<"$errors" >&2
fi

echo "api-fuzz: schemathesis $SCHEMATHESIS_VERSION, --checks all; fuzzing ${fuzz_seconds}s, whole run $(( $(date +%s) - started ))s"
for service in auth-service resource-service; do
  echo "api-fuzz: $service: ${REQUESTS[$service]} requests, ${FAILED_CHECKS[$service]} failed checks, ${ERRORS[$service]} errors [${RUNS[$service]}]"
  if [ "${REQUESTS[$service]}" -lt "$MIN_REQUESTS" ]; then
    echo "api-fuzz: $service: fewer than $MIN_REQUESTS requests"
    FAILED=1
  fi
done
[ "$FAILED" -eq 0 ] && echo "api-fuzz: passed" || echo "api-fuzz: FAILED"
exit "$FAILED"
