#!/usr/bin/env bash
# The revocation benchmark (docs/BENCHMARKS.md, Revocation at the verifiers): how soon after a
# revoking request's answer two resource-service instances following auth-service's event feed
# refuse the session's access token, and `GET /whoami` throughput with 100,000 revoked sessions
# in the list against an instance that keeps no list (docs/TOKENS.md, Revocation).
#
# Builds in release mode, starts PostgreSQL if it is not running, creates fresh databases, starts
# one auth-service, two resource-service instances following its feed (A and B) and one without
# EVENT_FEED_URL (the reference), each waited for until its /readyz is 200, runs
# bench/src/bin/revocation.rs and prints its markdown tables. Everything it started is stopped,
# and the databases dropped, on exit. Only 127.0.0.1 is loaded; about 3 minutes once built.
#
# Knobs (environment):
#   REVOCATION_BCRYPT_COST  auth-service's BCRYPT_COST (default 4: logins only set up the tries)
#   REVOCATION_TRIES        tries per kind of revocation (default 100)
#   REVOCATION_ROUNDS       alternating throughput rounds per list (default 10)
#   REVOCATION_SECS         seconds per throughput round (default 3)
#   REVOCATION_CONNS        keep-alive connections of the throughput rounds (default 64)
#   REVOCATION_EVENTS       session.revoked events written for the full list (default 100000)
#   REVOCATION_PORT         auth-service's port; A, B and the reference take the next three
#                           (default 18100)
#   PGHOST, PGPORT, PGUSER, PGPASSWORD (default 127.0.0.1, 5432, postgres, postgres)
#   BENCH_OUT               also write the tables to this file
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
log() { echo "revocation-bench.sh: $*" >&2; }

COST=${REVOCATION_BCRYPT_COST:-4}
PORT=${REVOCATION_PORT:-18100}
A_PORT=$((PORT + 1)) B_PORT=$((PORT + 2)) REF_PORT=$((PORT + 3))
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGPASSWORD=${PGPASSWORD:-postgres}
AUTH_DB=bench_revocation_auth RESOURCE_DB=bench_revocation_resource
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

WORK=$(mktemp -d -t revocation-bench.XXXXXX)
PIDS=()
cleanup() {
  local pid db
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for db in "$AUTH_DB" "$RESOURCE_DB"; do
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v psql >/dev/null || { log "psql is needed (Debian: apt-get install postgresql)"; exit 1; }

log "building in release mode"
cargo build --release --locked -p auth-service -p resource-service -p bench
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release

if ! pg_isready -h "$PGHOST" -p "$PGPORT" -q; then
  log "PostgreSQL is not answering; starting it"
  pg_ctlcluster --skip-systemctl-redirect \
    "$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p "$PGPORT" -q && break; sleep 1; done
fi
for db in "$AUTH_DB" "$RESOURCE_DB"; do
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done

# Secrets for this run only; none is printed.
hexsecret() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
export ACCESS_TOKEN_SECRET EVENT_FEED_SECRET REFRESH_TOKEN_SECRET
ACCESS_TOKEN_SECRET=$(hexsecret)
EVENT_FEED_SECRET=$(hexsecret)
REFRESH_TOKEN_SECRET=$(hexsecret)
export RUST_LOG=warn APP_ENV=development COOKIE_SECURE=false METRICS_ADDR=off MALLOC_ARENA_MAX=2
DB_BASE="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT"

# start NAME PORT [VAR=VALUE...]: starts target/release/NAME, waits until its /readyz is 200
# (for a follower: until it has read the feed to its end, docs/EVENTS.md, Readiness) and prints
# its pid.
start() {
  local name=$1 port=$2
  shift 2
  env "$@" BIND_ADDR="127.0.0.1:$port" "$BIN/bench" start --name "$name:$port" \
    --ready "127.0.0.1:$port" --log "$WORK/$name-$port.log" -- "$BIN/$name"
}

# The tries log in, register and reset passwords hundreds of times from 127.0.0.1: the
# per-address and mail limits (docs/CONFIGURATION.md) would answer 429, and bcrypt at its
# default cost would only make the set-up of each try slower. The clock runs from the revoking
# request's answer, so neither changes what is measured.
AUTH_PID=$(start auth-service "$PORT" DATABASE_URL="$DB_BASE/$AUTH_DB" BCRYPT_COST="$COST" \
  RATE_LIMIT_PER_IP=off LOGIN_MAX_FAILURES=100 \
  MAIL_DIR="$WORK/mail" MAIL_RATE_PER_RECIPIENT=off MAIL_RATE_PER_RECIPIENT_TOTAL=off \
  MAIL_RATE_PER_ACCOUNT=off MAIL_RATE_PER_CLIENT=off)
PIDS+=("$AUTH_PID")
RESOURCE=(DATABASE_URL="$DB_BASE/$RESOURCE_DB" PHOTO_STORE="$WORK/photos")
FEED=(EVENT_FEED_URL="http://127.0.0.1:$PORT/events")
# One at a time: the first start migrates the fresh database.
A_PID=$(start resource-service "$A_PORT" "${RESOURCE[@]}" "${FEED[@]}"); PIDS+=("$A_PID")
B_PID=$(start resource-service "$B_PORT" "${RESOURCE[@]}" "${FEED[@]}"); PIDS+=("$B_PID")
REF_PID=$(start resource-service "$REF_PORT" "${RESOURCE[@]}"); PIDS+=("$REF_PID")

log "timing revocations, then the whoami rounds"
TABLE="$WORK/table.md"
"$BIN/revocation" --auth "http://127.0.0.1:$PORT" \
  --following "127.0.0.1:$A_PORT" --following "127.0.0.1:$B_PORT" --following-pid "$A_PID" \
  --reference "127.0.0.1:$REF_PORT" --mail-dir "$WORK/mail" --auth-db "$AUTH_DB" \
  ${REVOCATION_TRIES:+--tries "$REVOCATION_TRIES"} ${REVOCATION_ROUNDS:+--rounds "$REVOCATION_ROUNDS"} \
  ${REVOCATION_SECS:+--secs "$REVOCATION_SECS"} ${REVOCATION_CONNS:+--conns "$REVOCATION_CONNS"} \
  ${REVOCATION_EVENTS:+--events "$REVOCATION_EVENTS"} >"$TABLE"

{
  echo "### Revocation at the verifiers, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo
  echo "Release build, $(nproc) cores, PostgreSQL $(psql -X -At -d postgres -c 'SHOW server_version')."
  echo "bcrypt cost $COST: this benchmark measures revocation, not bcrypt (logins only set up the tries)."
  echo "Load average when the script started (before building): $LOAD_BEFORE; when the run ended:" \
    "$(cut -d' ' -f1-3 /proc/loadavg) (the rounds take both cores: anything else running shows here)."
  echo
  cat "$TABLE"
} | tee ${BENCH_OUT:+"$BENCH_OUT"}
for log_file in "$WORK"/*.log; do
  if grep -qiE 'error|panic' "$log_file"; then
    log "$(basename "$log_file") logged errors:"; grep -iE 'error|panic' "$log_file" | tail -n 5 >&2
  fi
done
