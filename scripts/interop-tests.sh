#!/usr/bin/env bash
# Interoperability of our EdDSA access tokens with other people's JWT libraries, both ways:
# PyJWT (with Python's cryptography) and jose (npm), against the real services. It proves only
# what the Rust suites cannot, since they use our own code on both sides:
#
#   1. Our tokens, their verifiers. auth-service runs with ACCESS_TOKEN_ALG=EdDSA and a key from
#      its own `gen-keypair`; a user registers and logs in. PyJWT and jose verify the access token
#      with the keys they fetch from the JWKS auth-service publishes, alg, iss, aud and typ
#      pinned, and recompute every kid as an RFC 7638 thumbprint (PyJWT's side by hand, jose's
#      with calculateJwkThumbprint).
#   2. Their tokens, our verifier. cryptography and jose each make an Ed25519 key pair;
#      resource-service is given both public keys (ACCESS_TOKEN_PUBLIC_KEYS, the PEMs one after
#      the other). A token PyJWT signed and one jose signed must get 200 from GET /whoami, with
#      their user. The key-confusion forgeries jose makes must get 401: alg "none", HS256 keyed
#      with the public key, a key we were not given under an unknown kid, an embedded jwk.
#
# Left to the Rust suites, which prove them with tokens built by hand: every claim rule, crit,
# malleable signatures and the other alg and header forgeries (shared-tokens/tests/verify_rules/,
# eddsa_attacks.rs); the JWKS document's members and headers (auth-service/tests/api/jwks.rs);
# verification through JWKS_URL (resource-service/tests/api/jwks.rs); the start-up refusals of
# keys in the wrong place (shared-tokens/src/access_keys.rs, resource-service/tests/api/cli.rs);
# gen-keypair's key file (auth-service/tests/api/logging/binary.rs).
#
# Installs what it needs once (PyJWT into target/interop-venv, `npm ci` in scripts/interop),
# builds both services (debug, in CARGO_TARGET_DIR when set), creates its databases on the local
# PostgreSQL, starts two services on loopback ports and removes all of it on exit. Prints one
# line per check and a closing "N passed, N failed"; exits 1 when any check failed.
#
# Knobs (environment):
#   TEST_DATABASE_URL     a database URL on the server to use; its database part is ignored
#                         (default postgres://postgres:postgres@127.0.0.1:5432/postgres)
#   INTEROP_AUTH_PORT, INTEROP_RESOURCE_PORT
#                         the services' ports (18280, 18281: clear of scripts/dev.sh, the browser
#                         tests and the benchmark); INTEROP_JWKS_RESOURCE_PORT and
#                         INTEROP_AUTH2_PORT are still accepted, and unused: the services they
#                         placed are gone with the checks above that the Rust suites make
#   INTEROP_VERBOSE=1     a stack trace with each failed check
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

VENV=$ROOT/target/interop-venv
INTEROP=$ROOT/scripts/interop
BIN_DIR=${CARGO_TARGET_DIR:-$ROOT/target}/debug
AUTH_PORT=${INTEROP_AUTH_PORT:-18280}
RESOURCE_PORT=${INTEROP_RESOURCE_PORT:-18281}
BASE_URL=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
READY_TIMEOUT=60

log() { echo "interop: $*" >&2; }
die() { log "$*"; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started=$SECONDS

# ---- cleanup: stop what we started, drop what we created ------------------------------------
WORK=$(mktemp -d -t interop.XXXXXX)
RESULTS=$WORK/results.txt
# shellcheck source=scripts/lib/scratch.sh
source "$ROOT/scripts/lib/scratch.sh"

# ---- tools -----------------------------------------------------------------------------------
command -v psql >/dev/null || die "psql is needed (Debian: apt-get install postgresql-client)"
command -v curl >/dev/null || die "curl is needed"
command -v node >/dev/null || die "node 20 or newer is needed (for jose)"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] \
  || die "node 20 or newer is needed (this is $(node --version))"
for spec in "INTEROP_AUTH_PORT:$AUTH_PORT" "INTEROP_RESOURCE_PORT:$RESOURCE_PORT"; do
  port_busy "${spec#*:}" && die "port ${spec#*:} is already in use; set ${spec%%:*} to a free one"
done

# The exact versions of requirements.txt: reinstalled only when that file changes (the copy kept
# in the venv is the stamp).
if ! cmp -s "$INTEROP/requirements.txt" "$VENV/interop-requirements.txt"; then
  # Debian's python3 ships without venv support.
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    log "installing python3-venv"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
  fi
  log "installing PyJWT and cryptography (scripts/interop/requirements.txt) into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$INTEROP/requirements.txt"
  cp "$INTEROP/requirements.txt" "$VENV/interop-requirements.txt"
fi
PY=$VENV/bin/python
# jose at the version package-lock.json pins; `npm ci` again only when the lock file changes.
if ! cmp -s "$INTEROP/package-lock.json" "$INTEROP/node_modules/.interop-lock"; then
  log "installing jose (npm ci in scripts/interop)"
  (cd "$INTEROP" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$INTEROP/package-lock.json" "$INTEROP/node_modules/.interop-lock"
fi

log "building both services (debug)"
build_started=$SECONDS
cargo build -q -p auth-service -p resource-service --locked
log "built in $((SECONDS - build_started)) s"

# ---- the services' configuration -------------------------------------------------------------
# Nothing from the caller's environment may choose the keys: EdDSA mode refuses a shared secret,
# and each service below gets exactly the key material it is meant to have.
unset ACCESS_TOKEN_SECRET ACCESS_TOKEN_PREVIOUS_SECRETS ACCESS_TOKEN_PRIVATE_KEY \
  ACCESS_TOKEN_PRIVATE_KEY_FILE ACCESS_TOKEN_PUBLIC_KEYS ACCESS_TOKEN_PUBLIC_KEYS_FILE \
  ACCESS_TOKEN_PREVIOUS_PUBLIC_KEYS ACCESS_TOKEN_PREVIOUS_PUBLIC_KEYS_FILE JWKS_URL \
  DATABASE_URL BIND_ADDR
export ACCESS_TOKEN_ALG=EdDSA JWT_ISSUER=auth-service JWT_AUDIENCE=resource-service
export ACCESS_TOKEN_EXPIRY=15m APP_ENV=development COOKIE_SECURE=false METRICS_ADDR=off
export REFRESH_TOKEN_SECRET=dev-only-refresh-secret-0123456789abcdef0123456789abcdef
export BCRYPT_COST=4 SHUTDOWN_TIMEOUT=2s RUST_LOG=${RUST_LOG:-warn}
export PHOTO_STORE="file://$WORK/photos"
# What interop.py and interop.mjs read.
export INTEROP_DIR=$WORK INTEROP_ISSUER=$JWT_ISSUER INTEROP_AUDIENCE=$JWT_AUDIENCE
export INTEROP_AUTH_URL=http://127.0.0.1:$AUTH_PORT
export INTEROP_RESOURCE_URL=http://127.0.0.1:$RESOURCE_PORT

# start <name> <binary> <database> <port> [VAR=value...]: runs the binary in the work directory,
# where no .env file of the repository is found, so that only the variables given here configure
# it, and waits until its /readyz answers 200.
start() {
  local name=$1 binary=$2 database=$3 port=$4 pid deadline code
  shift 4
  psql -q "$ADMIN_URL" -c "CREATE DATABASE \"$database\"" >/dev/null \
    || die "could not create a database at $ADMIN_URL (is PostgreSQL running? bash .ci/run starts one)"
  DATABASES+=("$database")
  (cd "$WORK" && exec env DATABASE_URL="$(db_url "$database")" BIND_ADDR="127.0.0.1:$port" "$@" \
    "$BIN_DIR/$binary") >"$WORK/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before it was ready; its log:"
      tail -n 30 "$WORK/$name.log" >&2
      exit 1
    fi
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    [ "$code" = 200 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name did not answer 200 on /readyz within ${READY_TIMEOUT}s (last: ${code:-none}); its log:"
      tail -n 30 "$WORK/$name.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# ---- the keys: auth-service's from its own gen-keypair, the foreign libraries' from theirs ------
"$BIN_DIR/auth-service" gen-keypair --private-key-out "$WORK/auth-key.pem" >/dev/null 2>"$WORK/gen-keypair.err" \
  || die "auth-service gen-keypair failed: $(cat "$WORK/gen-keypair.err")"
"$PY" "$INTEROP/interop.py" keygen
node "$INTEROP/interop.mjs" keygen

# ---- the services -----------------------------------------------------------------------------
suffix="$(date +%s)_$$"
start auth-service auth-service "interop_auth_$suffix" "$AUTH_PORT" \
  ACCESS_TOKEN_PRIVATE_KEY_FILE="$WORK/auth-key.pem"
# resource-service trusts only the foreign libraries' keys.
start resource-service resource-service "interop_resource_$suffix" "$RESOURCE_PORT" \
  ACCESS_TOKEN_PUBLIC_KEYS="$(cat "$WORK/python-ed25519.pub.pem" "$WORK/jose-ed25519.pub.pem")"
log "auth-service on :$AUTH_PORT, resource-service on :$RESOURCE_PORT (the foreign keys)"

# ---- a user and its access token ----------------------------------------------------------------
user="interop$suffix"
password="interop password $suffix"
post() { # path body output -> status
  curl -s -o "$3" -w '%{http_code}' -X POST "$INTEROP_AUTH_URL$1" \
    -H 'Content-Type: application/json' -d "$2"
}
status=$(post /auth/register \
  "{\"username\":\"$user\",\"email\":\"$user@example.com\",\"full_name\":\"Interop Tester\",\"password\":\"$password\"}" \
  "$WORK/user.json")
[ "$status" = 201 ] || die "register answered $status: $(cat "$WORK/user.json")"
status=$(post /auth/login "{\"username\":\"$user\",\"password\":\"$password\"}" "$WORK/login.json")
[ "$status" = 200 ] || die "login answered $status: $(cat "$WORK/login.json")"

# ---- the checks -------------------------------------------------------------------------------
# One line per check, "ok   <who>: ..." or "FAIL <who>: ...", from interop.py and interop.mjs;
# the summary counts them. A side that fails without naming a failed check (a crash, a missing
# file) is a failure too.
: >"$RESULTS"
check_side() { # label command...
  local label=$1 status=0 before after
  shift
  before=$(grep -c '^FAIL' "$RESULTS" || true)
  "$@" check | tee -a "$RESULTS" || status=$?
  after=$(grep -c '^FAIL' "$RESULTS" || true)
  if [ "$status" -ne 0 ] && [ "$after" = "$before" ]; then
    echo "FAIL shell: $label exited with $status without naming a failed check" | tee -a "$RESULTS"
  fi
  return 0
}
check_side interop.py "$PY" "$INTEROP/interop.py"
check_side interop.mjs node "$INTEROP/interop.mjs"

passed=$(grep -c '^ok' "$RESULTS" || true)
failed=$(grep -c '^FAIL' "$RESULTS" || true)
if [ "$failed" -ne 0 ]; then
  log "failed checks:"
  grep '^FAIL' "$RESULTS" >&2
  for name in auth-service resource-service; do
    log "last lines of $name's log:"
    tail -n 15 "$WORK/$name.log" >&2
  done
fi
log "took $((SECONDS - started)) s"
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
