#!/usr/bin/env bash
# The password-flood benchmark (docs/BENCHMARKS.md, Password flood): another user's login
# latency while one account floods wrong password re-checks from 256 connections, against
# auth-service with its default limits (bcrypt cost 12, RATE_LIMIT_PER_IP, the bound on bcrypt
# work). It trusts 127.0.0.1 as a proxy so the victim's logins and the "many addresses" phase
# can name their client addresses. Only 127.0.0.1 is loaded; the run stops by itself.
#
# Knobs: FLOOD_PROFILE (debug or release, default release), FLOOD_SECS (per phase, default 20),
# FLOOD_CONNS (default 256), FLOOD_PORT (default 18090), PGHOST/PGPORT/PGUSER/PGPASSWORD.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
log() { echo "password-flood.sh: $*" >&2; }

PROFILE=${FLOOD_PROFILE:-release}
SECS=${FLOOD_SECS:-20}
CONNS=${FLOOD_CONNS:-256}
PORT=${FLOOD_PORT:-18090}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGPASSWORD=${PGPASSWORD:-postgres}
DB="password_flood_$(date +%s)_$$"
WORK=$(mktemp -d -t password-flood.XXXXXX)
PID=
cleanup() {
  [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

flag=()
[ "$PROFILE" = release ] && flag=(--release)
log "building auth-service and the load generator ($PROFILE)"
cargo build -q "${flag[@]}" -p auth-service -p bench --bin auth-service --bin password-flood
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE

psql -q -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
env DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$DB" \
  BIND_ADDR="127.0.0.1:$PORT" METRICS_ADDR=off APP_ENV=development COOKIE_SECURE=false \
  ACCESS_TOKEN_SECRET=dev-only-access-secret-0123456789abcdef0123456789abcdef \
  REFRESH_TOKEN_SECRET=dev-only-refresh-secret-0123456789abcdef0123456789abcdef \
  TRUSTED_PROXIES=127.0.0.1 MAIL_DIR="$WORK/mail" RUST_LOG=warn \
  "$BIN/auth-service" >"$WORK/auth.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/auth.log" >&2; exit 1; }
  sleep 0.1
done
log "auth-service ($PROFILE) ready on 127.0.0.1:$PORT; $(nproc) cores; ${SECS}s per phase"
"$BIN/password-flood" --auth "http://127.0.0.1:$PORT" --conns "$CONNS" --secs "$SECS"
