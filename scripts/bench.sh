#!/usr/bin/env bash
# The side-by-side benchmark, in one run on one machine (docs/BENCHMARKS.md).
#
# Builds in release mode, starts PostgreSQL if it is not running, creates fresh databases, starts
# auth-service and resource-service from target/release (timing each start, P5), runs the
# criterion micro-benchmark of shared-tokens, then the bench binary (P1-P4, with pgbench for
# P2's comparison, and the photo part, with nginx serving the photo store for comparison), and
# prints one markdown table. Everything it started is stopped on exit. Only 127.0.0.1 is loaded.
#
# Knobs (environment):
#   BENCH_BCRYPT_COST  bcrypt cost of auth-service and of the single-core timing (default 12)
#   BENCH_ROUNDS       alternating rounds per part (default 3)
#   BENCH_SECS         seconds per round (default 6)
#   BENCH_CONNS        connections / virtual users for P1 and P2 (default 64)
#   BENCH_LOGIN_VUS    concurrent login users for P3 (default 4 per core)
#   BENCH_DB_POOL_SIZE DB_POOL_SIZE of both services (default: the services' default)
#   BENCH_SKIP_MICRO=1 skip the criterion micro-benchmark
#   BENCH_PHOTO_CONNS  connections for the photo content/thumbnail loads (default 16)
#   BENCH_UPLOADERS    concurrent uploaders of the photo part (default 4)
#   BENCH_AUTH_PORT, BENCH_RESOURCE_PORT, BENCH_BARE_PORT, BENCH_NGINX_PORT
#                      (default 18080, 18081, 18082, 18083)
#   PGHOST, PGPORT, PGUSER, PGPASSWORD (default 127.0.0.1, 5432, postgres, postgres)
#   BENCH_OUT          also write the table to this file
#   BENCH_ACCESS_ALG   HS256 (default) or EdDSA: how access tokens are signed, in the services and
#                      in the bare reference (docs/TOKENS.md, Keys)
#   BENCH_ONLY=p1      stop after P1 (stateless verification) and the micro-benchmark
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

log() { echo "bench.sh: $*" >&2; }

COST=${BENCH_BCRYPT_COST:-12}
ROUNDS=${BENCH_ROUNDS:-3}
ALG=${BENCH_ACCESS_ALG:-HS256}
case $ALG in HS256 | EdDSA) ;; *) log "BENCH_ACCESS_ALG: HS256 or EdDSA, not $ALG"; exit 2 ;; esac
SECS=${BENCH_SECS:-6}
CONNS=${BENCH_CONNS:-64}
AUTH_PORT=${BENCH_AUTH_PORT:-18080}
RESOURCE_PORT=${BENCH_RESOURCE_PORT:-18081}
BARE_PORT=${BENCH_BARE_PORT:-18082}
NGINX_PORT=${BENCH_NGINX_PORT:-18083}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGPASSWORD=${PGPASSWORD:-postgres}

WORK=$(mktemp -d -t bench.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools ------------------------------------------------------------------------------------
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBENCH" ] || ! command -v psql >/dev/null; then
  log "pgbench and psql are needed (Debian: apt-get install postgresql postgresql-contrib)"
  exit 1
fi
# The photo part's reference: Debian's nginx serving the photo store's files.
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -z "$NGINX" ]; then
  log "nginx is missing; installing Debian's nginx-light"
  install_nginx() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx-light >&2
  }
  # A fresh machine's package lists may be missing or stale.
  install_nginx || { apt-get update -q >&2 && install_nginx; }
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi

# --- build (once; reused by later runs) --------------------------------------------------------
log "building in release mode"
cargo build --release --locked -p auth-service -p resource-service -p bench
cargo build --release --locked -p bench --example bare_whoami
if [ "${BENCH_SKIP_MICRO:-0}" != 1 ]; then
  cargo bench --locked -p shared-tokens --bench tokens --no-run
fi
BIN="$ROOT/target/release"

# --- PostgreSQL -------------------------------------------------------------------------------
if ! pg_isready -h "$PGHOST" -p "$PGPORT" -q; then
  log "PostgreSQL is not answering; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p "$PGPORT" -q && break; sleep 1; done
fi
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
fresh_db() {
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}
for db in bench_auth bench_resource bench_pgbench; do fresh_db "$db"; done
# pgbench's side of P2 runs in exactly auth-service's tables.
for up in "$ROOT"/migrations/*/up.sql; do "${PSQL[@]}" -d bench_pgbench -f "$up"; done
"${PSQL[@]}" -d bench_pgbench -f "$ROOT/bench/pgbench/seed.sql"

# --- criterion micro-benchmark (before the services, on a quiet machine) ------------------------
CRITERION=()
if [ "${BENCH_SKIP_MICRO:-0}" != 1 ]; then
  log "micro-benchmark of shared-tokens sign/verify"
  rm -rf "$ROOT/target/criterion/access_token" "$ROOT/target/criterion/access_token_eddsa"
  cargo bench --locked -p shared-tokens --bench tokens -- --warm-up-time 1 --measurement-time 3 >&2
  CRITERION=(--criterion-dir "$ROOT/target/criterion")
fi

# --- the services -----------------------------------------------------------------------------
hexsecret() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
export REFRESH_TOKEN_SECRET
REFRESH_TOKEN_SECRET=$(hexsecret)
# Each service gets only its side of the access keys (start, below): with EdDSA the private key
# goes to auth-service alone.
ACCESS_KEYS=()
if [ "$ALG" = EdDSA ]; then
  "$ROOT/target/release/auth-service" gen-keypair --private-key-out "$WORK/access.pem" \
    >"$WORK/access.pub.pem" 2>/dev/null
  export ACCESS_TOKEN_ALG=EdDSA
  access_keys() {
    case $1 in
      auth-service) ACCESS_KEYS=(ACCESS_TOKEN_PRIVATE_KEY_FILE="$WORK/access.pem") ;;
      *) ACCESS_KEYS=(ACCESS_TOKEN_PUBLIC_KEYS_FILE="$WORK/access.pub.pem") ;;
    esac
  }
else
  export ACCESS_TOKEN_SECRET
  ACCESS_TOKEN_SECRET=$(hexsecret)
  access_keys() { ACCESS_KEYS=(ACCESS_TOKEN_SECRET="$ACCESS_TOKEN_SECRET"); }
fi
export BCRYPT_COST=$COST RUST_LOG=warn COOKIE_SECURE=false APP_ENV=development
# Every request of the benchmark comes from 127.0.0.1: the per-address limiter would turn it
# into a benchmark of 429s.
export RATE_LIMIT_PER_IP=off
# P3's login users log in as one account from one address, 8 at once; the failed-login throttle
# never refuses a right password for attempts in flight (docs/SECURITY.md), and the highest
# setting keeps it out of the way all the same.
export LOGIN_MAX_FAILURES=100
# P3 and its open-loop rounds measure how many logins bcrypt allows, with up to 256 in flight:
# the default bound on bcrypt work (the cores running, twice that waiting, the rest 503 at once;
# docs/SECURITY.md, Password hashing under load) would turn most of them into 503s. A queue this
# long lets every login wait its turn, as before the bound; the flood benchmark
# (scripts/password-flood.sh) measures the defaults.
export PASSWORD_HASH_QUEUE=${PASSWORD_HASH_QUEUE:-512}
# The photo part: photo bytes in a directory nginx also serves; the upload rounds store hundreds
# of photos for one user, which the default quota (1000) could cut short.
PHOTO_STORE="$WORK/photos"
export PHOTO_STORE MAX_PHOTOS_PER_USER=1000000
# As the image and scripts/dev.sh run the services (docs/PHOTOS.md, Memory).
export MALLOC_ARENA_MAX=2
if [ -n "${BENCH_DB_POOL_SIZE:-}" ]; then export DB_POOL_SIZE=$BENCH_DB_POOL_SIZE; fi
DB_BASE="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT"
RECORD="$WORK/record"
: >"$RECORD"

# start NAME PORT DATABASE [--record FILE]: prints the pid
start() {
  local name=$1 port=$2 db=$3
  shift 3
  access_keys "$name"
  env "${ACCESS_KEYS[@]}" DATABASE_URL="$DB_BASE/$db" BIND_ADDR="127.0.0.1:$port" \
    "$BIN/bench" start --name "$name" --ready "127.0.0.1:$port" --log "$WORK/$name.log" "$@" \
    -- "$BIN/$name"
}
stop() {
  kill -TERM "$1"
  for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  log "pid $1 did not stop on TERM"; kill -KILL "$1"
}
forget() { local keep=() p; for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done; PIDS=("${keep[@]}"); }

# The first start of each migrates its fresh database; P5 is timed on the starts after it.
log "first start of each service (migrates the fresh databases; not timed)"
for svc in "auth-service $AUTH_PORT bench_auth" "resource-service $RESOURCE_PORT bench_resource"; do
  set -- $svc
  pid=$(start "$1" "$2" "$3"); PIDS+=("$pid")
  stop "$pid"; forget "$pid"
done
log "P5: $ROUNDS timed starts of each, alternating"
for round in $(seq 1 "$ROUNDS"); do
  AUTH_PID=$(start auth-service "$AUTH_PORT" bench_auth --record "$RECORD"); PIDS+=("$AUTH_PID")
  RESOURCE_PID=$(start resource-service "$RESOURCE_PORT" bench_resource --record "$RECORD")
  PIDS+=("$RESOURCE_PID")
  if [ "$round" -lt "$ROUNDS" ]; then
    stop "$AUTH_PID"; forget "$AUTH_PID"
    stop "$RESOURCE_PID"; forget "$RESOURCE_PID"
  fi
done

# P1's reference point: bare actix-web + jsonwebtoken, same secret, same token.
access_keys bare_whoami
BARE_PID=$(env "${ACCESS_KEYS[@]}" BIND_ADDR="127.0.0.1:$BARE_PORT" "$BIN/bench" start --name bare_whoami \
  --ready "127.0.0.1:$BARE_PORT" --log "$WORK/bare_whoami.log" -- "$BIN/examples/bare_whoami")
PIDS+=("$BARE_PID")

# The photo part's reference: nginx serving the photo store as its root, set up as for static
# files (sendfile, no access log, long keep-alive); /readyz answers 200 so `bench start` can wait
# for it like for the services. The store's files are readable by their owner only, so as root
# the workers run as root too.
mkdir -p "$WORK/nginx"
{
  if [ "$(id -u)" = 0 ]; then echo "user root;"; fi
  cat <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx.log warn;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  default_type application/octet-stream;
  # Temp directories inside the bench's, so a run by a user other than root needs nothing
  # from /var/lib/nginx.
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $PHOTO_STORE;
    location = /readyz { return 200; }
  }
}
EOF
} >"$WORK/nginx.conf"
NGINX_PID=$("$BIN/bench" start --name nginx --ready "127.0.0.1:$NGINX_PORT" \
  --log "$WORK/nginx.log" -- "$NGINX" -p "$WORK/nginx" -e "$WORK/nginx.log" -c "$WORK/nginx.conf")
PIDS+=("$NGINX_PID")

# --- P1-P4 and the photo part ---------------------------------------------------------------
log "P1-P4 and the photo part (about $((ROUNDS * SECS * 12 + 40)) s)"
TABLE="$WORK/table.md"
"$BIN/bench" run \
  --auth "127.0.0.1:$AUTH_PORT" --resource "127.0.0.1:$RESOURCE_PORT" --bare "127.0.0.1:$BARE_PORT" \
  --auth-pid "$AUTH_PID" --resource-pid "$RESOURCE_PID" --record "$RECORD" \
  --rounds "$ROUNDS" --secs "$SECS" --conns "$CONNS" \
  ${BENCH_LOGIN_VUS:+--login-vus "$BENCH_LOGIN_VUS"} --bcrypt-cost "$COST" \
  --pgbench "$PGBENCH" --pg-host "$PGHOST" --pg-port "$PGPORT" --pg-user "$PGUSER" \
  --pgbench-db bench_pgbench --pgbench-script "$ROOT/bench/pgbench/rotation.sql" \
  --pgbench-minimal-script "$ROOT/bench/pgbench/minimal_rotation.sql" \
  --log-dir "$WORK" "${CRITERION[@]}" \
  --nginx "127.0.0.1:$NGINX_PORT" ${BENCH_PHOTO_CONNS:+--photo-conns "$BENCH_PHOTO_CONNS"} \
  ${BENCH_UPLOADERS:+--uploaders "$BENCH_UPLOADERS"} ${BENCH_ONLY:+--only "$BENCH_ONLY"} >"$TABLE"

{
  echo "### Benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo
  echo "Access tokens: $ALG."
  echo "PostgreSQL $(psql -X -At -d postgres -c 'SHOW server_version'), $("$PGBENCH" --version | head -n 1), $("$NGINX" -v 2>&1)."
  echo "Load average when the script started (before building): $LOAD_BEFORE."
  echo
  cat "$TABLE"
} | tee ${BENCH_OUT:+"$BENCH_OUT"}
for name in auth-service resource-service; do
  if grep -qiE 'error|panic' "$WORK/$name.log"; then
    log "$name logged errors during the run:"; grep -iE 'error|panic' "$WORK/$name.log" | tail -n 5 >&2
  fi
done
