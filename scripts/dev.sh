#!/usr/bin/env bash
# Run the whole system without Docker: a private PostgreSQL cluster (target/dev/pgdata), both
# services built in debug mode with development secrets, and, when node is installed, the web app
# (web/serve.mjs, which also forwards /auth/* to auth-service), until Ctrl-C stops everything.
#
#   bash scripts/dev.sh              # until Ctrl-C
#   bash scripts/dev.sh --smoke      # start, check one login end to end, stop (CI runs this)
#   bash scripts/dev.sh -- CMD ...   # start, run CMD once all is ready, stop; exits with CMD's status
#
# Ports: DEV_AUTH_PORT (8080), DEV_RESOURCE_PORT (8081), DEV_WEB_PORT (3000), DEV_PG_PORT (54329),
# DEV_AUTH_METRICS_PORT (9090), DEV_RESOURCE_METRICS_PORT (9091). DEV_READY_TIMEOUT (seconds,
# default 60) bounds the wait for both /readyz. DEV_DIR (target/dev) holds the cluster, logs and
# secrets; secrets are generated once, so restarts keep sessions; delete DEV_DIR to start afresh.
# Other settings of docs/CONFIGURATION.md in the environment reach both services (for example
# ACCESS_TOKEN_EXPIRY=5s), except the database, addresses, secrets, APP_ENV, COOKIE_SECURE and
# ALLOWED_ORIGINS, which this script sets. CMD sees DEV_WEB_URL, DEV_AUTH_URL, DEV_RESOURCE_URL
# and DEV_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SMOKE=
RUN=()
case "${1:-}" in
  "") ;;
  --smoke) SMOKE=1 ;;
  --) shift; RUN=("$@"); [ ${#RUN[@]} -gt 0 ] || { echo "usage: bash scripts/dev.sh -- CMD [ARG...]" >&2; exit 2; } ;;
  -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: bash scripts/dev.sh [--smoke | -- CMD [ARG...]]" >&2; exit 2 ;;
esac

AUTH_PORT=${DEV_AUTH_PORT:-8080}
RESOURCE_PORT=${DEV_RESOURCE_PORT:-8081}
WEB_PORT=${DEV_WEB_PORT:-3000}
PG_PORT=${DEV_PG_PORT:-54329}
AUTH_METRICS_PORT=${DEV_AUTH_METRICS_PORT:-9090}
RESOURCE_METRICS_PORT=${DEV_RESOURCE_METRICS_PORT:-9091}
READY_TIMEOUT=${DEV_READY_TIMEOUT:-60}

DEV_DIR=${DEV_DIR:-$ROOT/target/dev}
case "$DEV_DIR" in /*) ;; *) DEV_DIR=$ROOT/$DEV_DIR ;; esac
PGDATA=$DEV_DIR/pgdata
PG_LOG=$DEV_DIR/postgres.log
AUTH_LOG=$DEV_DIR/auth-service.log
RESOURCE_LOG=$DEV_DIR/resource-service.log
WEB_LOG=$DEV_DIR/web.log
SECRETS=$DEV_DIR/secrets.env
BIN_DIR=${CARGO_TARGET_DIR:-$ROOT/target}/debug

log() { echo "dev: $*" >&2; }
die() { log "$*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
as_root() { if is_root; then "$@"; else sudo "$@"; fi; }
# initdb and postgres refuse to run as root: as root, run them as the postgres user.
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- stop everything on Ctrl-C, TERM or any exit ------------------------------------------------
AUTH_PID=
RESOURCE_PID=
WEB_PID=
PG_STARTED=
cleaned=
cleanup() {
  [ -n "$cleaned" ] && return
  cleaned=1
  trap - INT TERM
  local pid
  for pid in $WEB_PID $AUTH_PID $RESOURCE_PID; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $WEB_PID $AUTH_PID $RESOURCE_PID; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "process $pid did not stop within 10s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  [ -n "$AUTH_PID$RESOURCE_PID$WEB_PID" ] && log "services stopped"
  if [ -n "$PG_STARTED" ]; then
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1 \
      && ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
      log "could not stop the PostgreSQL cluster; see $PG_LOG"
    else
      log "PostgreSQL cluster stopped"
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- PostgreSQL binaries ----------------------------------------------------------------------
find_pgbin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  fi
}
PGBIN=$(find_pgbin)
if [ -z "$PGBIN" ] && command -v apt-get >/dev/null 2>&1; then
  log "installing PostgreSQL (apt-get install postgresql)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql libpq-dev >/dev/null
  PGBIN=$(find_pgbin)
fi
[ -n "$PGBIN" ] || die "no PostgreSQL found (looked under /usr/lib/postgresql/*/bin and PATH); install PostgreSQL and run again"
command -v curl >/dev/null 2>&1 || die "curl is needed to wait for the services"
# The web app needs node (no packages: web/serve.mjs uses only node's own modules).
WEB=
if [ -z "$SMOKE" ]; then
  if command -v node >/dev/null 2>&1; then WEB=1; else log "node not found: starting without the web app"; fi
fi

# ---- ports -----------------------------------------------------------------------------------
[ "$PG_PORT" != 5432 ] || die "DEV_PG_PORT must not be 5432 (the private cluster keeps off the shared one)"
for spec in "DEV_AUTH_PORT:$AUTH_PORT" "DEV_RESOURCE_PORT:$RESOURCE_PORT" \
  "DEV_AUTH_METRICS_PORT:$AUTH_METRICS_PORT" "DEV_RESOURCE_METRICS_PORT:$RESOURCE_METRICS_PORT" \
  ${WEB:+"DEV_WEB_PORT:$WEB_PORT"}; do
  port_busy "${spec#*:}" && die "port ${spec#*:} is already in use; set ${spec%%:*} to a free one"
done

# ---- private cluster -------------------------------------------------------------------------
mkdir -p "$DEV_DIR"
if is_root; then
  command -v runuser >/dev/null 2>&1 || die "running as root needs runuser (util-linux) to start PostgreSQL as postgres"
  id postgres >/dev/null 2>&1 || die "running as root needs a postgres user to own the cluster"
  runuser -u postgres -- test -x "$DEV_DIR" \
    || die "the postgres user cannot reach $DEV_DIR (a parent directory is not searchable)"
fi
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  log "creating a private PostgreSQL cluster in $PGDATA"
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  is_root && chown postgres: "$PGDATA"
  chmod 700 "$PGDATA"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >"$DEV_DIR/initdb.log" 2>&1 \
    || { tail -n 20 "$DEV_DIR/initdb.log" >&2; die "initdb failed (log: $DEV_DIR/initdb.log)"; }
fi
# Only TCP on 127.0.0.1 (no Unix socket), on our own port; rewritten each start so DEV_PG_PORT
# can change between runs.
as_pg sh -c "cat > '$PGDATA/dev.conf'" <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
EOF
grep -q "^include_if_exists = 'dev.conf'" "$PGDATA/postgresql.conf" \
  || as_pg sh -c "echo \"include_if_exists = 'dev.conf'\" >> '$PGDATA/postgresql.conf'"
is_root && { touch "$PG_LOG"; chown postgres: "$PG_LOG"; }

if as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  log "the private cluster is already running (left from an earlier run); using it and stopping it at the end"
else
  port_busy "$PG_PORT" && die "port $PG_PORT is already in use; set DEV_PG_PORT to a free one"
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t 30 start >/dev/null \
    || { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL did not start (log: $PG_LOG)"; }
fi
PG_STARTED=1
log "PostgreSQL on 127.0.0.1:$PG_PORT"

psql_dev() { "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qtAX "$@"; }
for db in auth resource; do
  if [ "$(psql_dev -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    psql_dev -c "CREATE DATABASE $db" >/dev/null
    log "created database $db"
  fi
done

# ---- development secrets ---------------------------------------------------------------------
random_hex() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
if [ ! -s "$SECRETS" ]; then
  umask 077
  {
    echo "# Development secrets for scripts/dev.sh (generated $(date -u +%FT%TZ)); never use in production."
    echo "ACCESS_TOKEN_SECRET=dev-only-access-$(random_hex)"
    echo "REFRESH_TOKEN_SECRET=dev-only-refresh-$(random_hex)"
    echo "EVENT_FEED_SECRET=dev-only-feed-$(random_hex)"
  } >"$SECRETS"
  umask 022
  log "generated development secrets in $SECRETS"
fi
# A secrets file from before the event feed lacks its secret: add one.
if ! grep -q '^EVENT_FEED_SECRET=' "$SECRETS"; then
  echo "EVENT_FEED_SECRET=dev-only-feed-$(random_hex)" >>"$SECRETS"
fi
# shellcheck disable=SC1090
set -a; . "$SECRETS"; set +a

# ---- build and start -------------------------------------------------------------------------
log "building both services (debug)"
cargo build -p auth-service -p resource-service

# The web app's origin: its page calls resource-service cross-origin (CORS with the bearer token).
export APP_ENV=development COOKIE_SECURE=false ALLOWED_ORIGINS=http://localhost:$WEB_PORT
export RUST_LOG=${RUST_LOG:-info} SHUTDOWN_TIMEOUT=${SHUTDOWN_TIMEOUT:-5s}
# Mails (verification and password-reset links, docs/RECOVERY.md) as .eml files in DEV_DIR/mail,
# unless SMTP_URL names a mail server; their links open the web app.
export MAIL_DIR=${MAIL_DIR:-$DEV_DIR/mail} PUBLIC_URL=${PUBLIC_URL:-http://localhost:$WEB_PORT}
# As the image: glibc's per-thread heaps, bounded (docs/PHOTOS.md, Memory).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
DB_BASE=postgres://postgres@127.0.0.1:$PG_PORT

DATABASE_URL=$DB_BASE/auth BIND_ADDR=127.0.0.1:$AUTH_PORT \
  METRICS_ADDR=127.0.0.1:$AUTH_METRICS_PORT \
  "$BIN_DIR/auth-service" >"$AUTH_LOG" 2>&1 &
AUTH_PID=$!
DATABASE_URL=$DB_BASE/resource BIND_ADDR=127.0.0.1:$RESOURCE_PORT \
  METRICS_ADDR=127.0.0.1:$RESOURCE_METRICS_PORT PHOTO_STORE="file://$DEV_DIR/photos" \
  EVENT_FEED_URL=http://127.0.0.1:$AUTH_PORT/events \
  "$BIN_DIR/resource-service" >"$RESOURCE_LOG" 2>&1 &
RESOURCE_PID=$!

wait_ready() { # name pid port log
  local deadline=$((SECONDS + READY_TIMEOUT)) code
  while :; do
    if ! kill -0 "$2" 2>/dev/null; then
      log "$1 exited before it was ready; last lines of $4:"
      tail -n 30 "$4" >&2
      return 1
    fi
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$3/readyz" || true)
    [ "$code" = 200 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$1 did not answer 200 on /readyz within ${READY_TIMEOUT}s (last: ${code:-none}); last lines of $4:"
      tail -n 30 "$4" >&2
      return 1
    fi
    sleep 0.3
  done
}
wait_ready auth-service "$AUTH_PID" "$AUTH_PORT" "$AUTH_LOG" || exit 1
wait_ready resource-service "$RESOURCE_PID" "$RESOURCE_PORT" "$RESOURCE_LOG" || exit 1

if [ -n "$WEB" ]; then
  PORT=$WEB_PORT AUTH_URL=http://127.0.0.1:$AUTH_PORT API_URL=http://localhost:$RESOURCE_PORT \
    MAX_PHOTO_BYTES=${MAX_PHOTO_BYTES:-} node "$ROOT/web/serve.mjs" >"$WEB_LOG" 2>&1 &
  WEB_PID=$!
  deadline=$((SECONDS + READY_TIMEOUT))
  until [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/" || true)" = 200 ]; do
    if ! kill -0 "$WEB_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      log "the web app did not start; last lines of $WEB_LOG:"
      tail -n 20 "$WEB_LOG" >&2
      exit 1
    fi
    sleep 0.2
  done
fi

# -- CMD: run it against everything started above, then stop all (the EXIT trap does).
if [ ${#RUN[@]} -gt 0 ]; then
  export DEV_WEB_URL=http://localhost:$WEB_PORT DEV_AUTH_URL=http://localhost:$AUTH_PORT \
    DEV_RESOURCE_URL=http://localhost:$RESOURCE_PORT DEV_DIR
  set +e
  "${RUN[@]}"
  status=$?
  set -e
  log "$(basename "${RUN[0]}") exited with $status; stopping"
  exit "$status"
fi

# --smoke: one user's way through both services, then stop everything (the EXIT trap does).
if [ -n "$SMOKE" ]; then
  json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
  expect() { # what status body
    [ "$2" = "$3" ] || { log "smoke: $1 answered $2, expected $3"; exit 1; }
  }
  user="smoke$(date +%s)$RANDOM"
  body="{\"username\":\"$user\",\"email\":\"$user@example.com\",\"full_name\":\"Smoke Test\",\"password\":\"correct horse battery\"}"
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "localhost:$AUTH_PORT/auth/register" \
    -H 'Content-Type: application/json' -d "$body")
  expect register "$status" 201
  login=$(curl -s -X POST "localhost:$AUTH_PORT/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"correct horse battery\"}")
  access=$(echo "$login" | json access_token)
  refresh=$(echo "$login" | json refresh_token)
  [ -n "$access" ] && [ -n "$refresh" ] || { log "smoke: login gave no tokens: $login"; exit 1; }
  status=$(curl -s -o /dev/null -w '%{http_code}' "localhost:$RESOURCE_PORT/profile" \
    -H "Authorization: Bearer $access")
  expect "resource-service GET /profile" "$status" 200
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "localhost:$AUTH_PORT/auth/refresh" \
    -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$refresh\"}")
  expect refresh "$status" 200
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "localhost:$AUTH_PORT/auth/password/forgot" \
    -H 'Content-Type: application/json' -d "{\"email\":\"$user@example.com\"}")
  expect "password forgot" "$status" 202
  if [ -z "${SMTP_URL:-}" ]; then
    # The verification and reset mails land in MAIL_DIR within moments.
    for _ in $(seq 1 50); do
      [ "$(grep -l "To: $user@example.com" "$MAIL_DIR"/*.eml 2>/dev/null | wc -l)" -ge 2 ] && break
      sleep 0.2
    done
    grep -l "To: $user@example.com" "$MAIL_DIR"/*.eml 2>/dev/null | xargs -r grep -l "Reset your password" \
      | grep -q . || { log "smoke: no reset mail for $user in $MAIL_DIR"; exit 1; }
  fi
  log "smoke: register, login, a resource-service call, a refresh and a reset mail all passed; stopping"
  exit 0
fi

WEB_LINE="  web app           not started (install node to get it)"
[ -n "$WEB" ] && WEB_LINE="  web app           http://localhost:$WEB_PORT      <- open this in a browser"
cat <<EOF

  Both services are ready (development secrets, plain-http cookies, CORS for http://localhost:$WEB_PORT).

$WEB_LINE
  auth-service      http://localhost:$AUTH_PORT      (API page: http://localhost:$AUTH_PORT/docs)
  resource-service  http://localhost:$RESOURCE_PORT      (API page: http://localhost:$RESOURCE_PORT/docs)
  metrics           http://127.0.0.1:$AUTH_METRICS_PORT/metrics (auth)   http://127.0.0.1:$RESOURCE_METRICS_PORT/metrics (resource)
  PostgreSQL        postgres://postgres@127.0.0.1:$PG_PORT/{auth,resource}  (data: $PGDATA)
  logs              $AUTH_LOG
                    $RESOURCE_LOG
                    $PG_LOG${WEB:+
                    $WEB_LOG}
  secrets           $SECRETS
  mail              ${SMTP_URL:+sent through SMTP_URL}${SMTP_URL:-$MAIL_DIR  (.eml files: open them to follow verification and reset links)}

  Try: curl -s localhost:$AUTH_PORT/readyz   (docs/WALKTHROUGH.md works from its second block)
  Ctrl-C stops the services, the web app and the cluster.

EOF

# Until Ctrl-C, or until a service stops by itself.
set +e
wait -n "$AUTH_PID" "$RESOURCE_PID" $WEB_PID
status=$?
log "a service stopped by itself (exit $status); last lines of its log:"
for pair in "$AUTH_PID:$AUTH_LOG" "$RESOURCE_PID:$RESOURCE_LOG" ${WEB_PID:+"$WEB_PID:$WEB_LOG"}; do
  kill -0 "${pair%%:*}" 2>/dev/null || tail -n 20 "${pair#*:}" >&2
done
exit 1
