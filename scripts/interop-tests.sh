#!/usr/bin/env bash
# Interoperability of our EdDSA access tokens with other people's JWT libraries, both ways:
# PyJWT (with Python's cryptography) and jose (npm), against the real services.
#
#   1. Our tokens, their verifiers. auth-service runs with ACCESS_TOKEN_ALG=EdDSA and a key from
#      its own `gen-keypair`; a user registers and logs in. PyJWT and jose verify the access token
#      from nothing but the JWKS document auth-service publishes (read locally and fetched), with
#      algorithm, issuer, audience and typ pinned, and recompute every kid as an RFC 7638
#      thumbprint. A resource-service given only JWKS_URL must accept the same token. A second
#      auth-service signs with a private key that cryptography made (PEM text, as OpenSSL writes
#      it), and its token must verify with that key's public half.
#   2. Their tokens, our verifier. cryptography and jose each make an Ed25519 key pair;
#      resource-service gets both public keys (ACCESS_TOKEN_PUBLIC_KEYS, the PEMs one after the
#      other). PyJWT and jose sign access tokens with every claim we require, and GET /whoami must
#      answer 200 with their user. Forgeries must get 401: a key we were not given under a kid we
#      know, HS256 keyed with the public key (algorithm confusion), alg "none", an embedded jwk,
#      a malleable signature, a crit header, and correctly signed tokens that break a claim rule.
#      The start-up refusals of keys in the wrong place (a secret beside EdDSA keys, a private key
#      on resource-service) and gen-keypair's file handling are checked on the way.
#
# Installs what it needs once (PyJWT into target/interop-venv, `npm ci` in scripts/interop),
# builds both services (debug), creates its databases on the local PostgreSQL, starts four
# services on loopback ports and removes all of it on exit. Prints one line per check and a
# closing "N passed, N failed"; exits 1 when any check failed.
#
# Knobs (environment):
#   TEST_DATABASE_URL     a database URL on the server to use; its database part is ignored
#                         (default postgres://postgres:postgres@127.0.0.1:5432/postgres)
#   INTEROP_AUTH_PORT, INTEROP_RESOURCE_PORT, INTEROP_JWKS_RESOURCE_PORT, INTEROP_AUTH2_PORT
#                         the services' ports (18280, 18281, 18282, 18283: clear of scripts/dev.sh,
#                         the browser tests and the benchmark)
#   INTEROP_VERBOSE=1     a stack trace with each failed check
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

VENV=$ROOT/target/interop-venv
INTEROP=$ROOT/scripts/interop
BIN_DIR=${CARGO_TARGET_DIR:-$ROOT/target}/debug
AUTH_PORT=${INTEROP_AUTH_PORT:-18280}
RESOURCE_PORT=${INTEROP_RESOURCE_PORT:-18281}
JWKS_RESOURCE_PORT=${INTEROP_JWKS_RESOURCE_PORT:-18282}
AUTH2_PORT=${INTEROP_AUTH2_PORT:-18283}
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
for spec in "INTEROP_AUTH_PORT:$AUTH_PORT" "INTEROP_RESOURCE_PORT:$RESOURCE_PORT" \
  "INTEROP_JWKS_RESOURCE_PORT:$JWKS_RESOURCE_PORT" "INTEROP_AUTH2_PORT:$AUTH2_PORT"; do
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

# ---- results ----------------------------------------------------------------------------------
# One line per check, "ok   <who>: ..." or "FAIL <who>: ...", from this script and from
# interop.py and interop.mjs alike; the summary counts them.
: >"$RESULTS"
pass() { echo "ok   shell: $*" | tee -a "$RESULTS"; }
fail() { echo "FAIL shell: $*" | tee -a "$RESULTS"; }
# run <label> <command...>: runs one step of the Python or Node side, its lines into the results.
# A step that fails without saying which check did (a crash, a missing file) is a failure too.
run() {
  local label=$1 status=0 before after
  shift
  before=$(grep -c '^FAIL' "$RESULTS" || true)
  "$@" | tee -a "$RESULTS" || status=$?
  after=$(grep -c '^FAIL' "$RESULTS" || true)
  if [ "$status" -ne 0 ] && [ "$after" = "$before" ]; then
    fail "$label exited with $status without naming a failed check (its errors are above)"
  fi
  return 0
}

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
export INTEROP_EXPIRY_SECONDS=900
export INTEROP_AUTH_URL=http://127.0.0.1:$AUTH_PORT
export INTEROP_RESOURCE_URL=http://127.0.0.1:$RESOURCE_PORT
export INTEROP_JWKS_RESOURCE_URL=http://127.0.0.1:$JWKS_RESOURCE_PORT

suffix="$(date +%s)_$$"
for name in "interop_auth_$suffix" "interop_resource_$suffix" "interop_resource_jwks_$suffix"; do
  psql -q "$ADMIN_URL" -c "CREATE DATABASE \"$name\"" >/dev/null \
    || die "could not create a database at $ADMIN_URL (is PostgreSQL running? bash .ci/run starts one)"
  DATABASES+=("$name")
done

# start <name> <binary> [VAR=value...]: runs the binary in the work directory, where no .env file
# of the repository is found, so that only the variables given here configure it.
start() {
  local name=$1 binary=$2
  shift 2
  (cd "$WORK" && exec env "$@" "$BIN_DIR/$binary") >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
wait_ready() { # name port [pid, default the last started]
  local pid=${3:-${PIDS[-1]}} deadline=$((SECONDS + READY_TIMEOUT)) code
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$1 exited before it was ready; its log:"
      tail -n 30 "$WORK/$1.log" >&2
      exit 1
    fi
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$2/readyz" || true)
    [ "$code" = 200 ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$1 did not answer 200 on /readyz within ${READY_TIMEOUT}s (last: ${code:-none}); its log:"
      tail -n 30 "$WORK/$1.log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

# ---- auth-service's key, from its own gen-keypair ---------------------------------------------
AUTH_KEY=$WORK/auth-key.pem
if ! "$BIN_DIR/auth-service" gen-keypair --private-key-out "$AUTH_KEY" \
  >"$WORK/auth-public.pem" 2>"$WORK/gen-keypair.err"; then
  cat "$WORK/gen-keypair.err" >&2
  die "auth-service gen-keypair failed"
fi
sed -n 's/^kid: *//p' "$WORK/gen-keypair.err" | head -n 1 >"$WORK/auth-kid.txt"
if [ -s "$WORK/auth-kid.txt" ]; then
  pass "gen-keypair printed 'kid: $(cat "$WORK/auth-kid.txt")' on stderr"
else
  fail "gen-keypair printed no 'kid: ...' line on stderr: $(cat "$WORK/gen-keypair.err")"
fi
mode=$(stat -c %a "$AUTH_KEY")
if [ "$mode" = 600 ]; then pass "gen-keypair wrote the private key with mode 0600"
else fail "gen-keypair wrote the private key with mode $mode, expected 600"; fi
if grep -q -- '-----BEGIN PRIVATE KEY-----' "$AUTH_KEY"; then pass "the private key file is a PKCS#8 PEM"
else fail "the private key file is not a PKCS#8 PEM (no BEGIN PRIVATE KEY line)"; fi
# The key file is one other people's tools read as it is: OpenSSL, Python's cryptography, Node.
if "$PY" -c 'import sys; from cryptography.hazmat.primitives import serialization as s
s.load_pem_private_key(open(sys.argv[1], "rb").read(), password=None)' "$AUTH_KEY" 2>/dev/null
then pass "cryptography reads gen-keypair's private key file"
else fail "cryptography cannot read gen-keypair's private key file"; fi
if node -e 'require("crypto").createPrivateKey(require("fs").readFileSync(process.argv[1]))' \
  "$AUTH_KEY" 2>/dev/null
then pass "Node's crypto reads gen-keypair's private key file"
else fail "Node's crypto cannot read gen-keypair's private key file"; fi
key_sum=$(sha256sum <"$AUTH_KEY")
if "$BIN_DIR/auth-service" gen-keypair --private-key-out "$AUTH_KEY" >/dev/null 2>&1; then
  fail "gen-keypair overwrote an existing private key file"
elif [ "$(sha256sum <"$AUTH_KEY")" != "$key_sum" ]; then
  fail "gen-keypair failed on an existing file but changed it"
else
  pass "gen-keypair refuses to overwrite an existing private key file"
fi

# ---- the other side's keys ----------------------------------------------------------------------
"$PY" "$INTEROP/interop.py" keygen
node "$INTEROP/interop.mjs" keygen
FOREIGN_KEYS=$(cat "$WORK/python-ed25519.pub.pem" "$WORK/jose-ed25519.pub.pem")

# ---- misconfigurations the contract calls errors: the service must refuse to start -------------
# Refusing means exiting non-zero with a line that names the offending variable (any other
# failure, a database one say, would prove nothing). Port 0, so that a service that wrongly starts
# cannot take a port of the run; `timeout` ends it.
refuses_to_start() { # description variable-named binary database VAR=value...
  local description=$1 named=$2 binary=$3 database=$4 status=0
  shift 4
  (cd "$WORK" && exec timeout 20 env DATABASE_URL="$(db_url "$database")" BIND_ADDR=127.0.0.1:0 "$@" \
    "$BIN_DIR/$binary") >"$WORK/refused.log" 2>&1 || status=$?
  if [ "$status" -eq 124 ]; then
    fail "$description: it started and kept running"
  elif [ "$status" -eq 0 ]; then
    fail "$description: it exited 0"
  elif ! grep -q "$named" "$WORK/refused.log"; then
    fail "$description: it exited $status without naming $named: $(tail -n 3 "$WORK/refused.log")"
  else
    pass "$description ($(grep -m 1 "$named" "$WORK/refused.log" | cut -c1-200))"
  fi
}
refuses_to_start "auth-service in EdDSA mode refuses to start with ACCESS_TOKEN_SECRET also set" \
  ACCESS_TOKEN_SECRET auth-service "interop_auth_$suffix" ACCESS_TOKEN_PRIVATE_KEY_FILE="$AUTH_KEY" \
  ACCESS_TOKEN_SECRET=dev-only-access-secret-0123456789abcdef0123456789abcdef
refuses_to_start "resource-service refuses to start with a private key (ACCESS_TOKEN_PRIVATE_KEY_FILE)" \
  ACCESS_TOKEN_PRIVATE_KEY resource-service "interop_resource_$suffix" \
  ACCESS_TOKEN_PUBLIC_KEYS="$FOREIGN_KEYS" ACCESS_TOKEN_PRIVATE_KEY_FILE="$AUTH_KEY"
refuses_to_start "resource-service in EdDSA mode refuses to start with ACCESS_TOKEN_SECRET" \
  ACCESS_TOKEN_SECRET resource-service "interop_resource_$suffix" \
  ACCESS_TOKEN_PUBLIC_KEYS="$FOREIGN_KEYS" \
  ACCESS_TOKEN_SECRET=dev-only-access-secret-0123456789abcdef0123456789abcdef

# ---- the services -----------------------------------------------------------------------------
start auth-service auth-service DATABASE_URL="$(db_url "interop_auth_$suffix")" \
  BIND_ADDR="127.0.0.1:$AUTH_PORT" ACCESS_TOKEN_PRIVATE_KEY_FILE="$AUTH_KEY"
wait_ready auth-service "$AUTH_PORT"
# resource-service twice: one trusting only the foreign libraries' keys, one only auth-service's
# JWKS, so that each token is accepted by exactly one of them.
start resource-service resource-service DATABASE_URL="$(db_url "interop_resource_$suffix")" \
  BIND_ADDR="127.0.0.1:$RESOURCE_PORT" ACCESS_TOKEN_PUBLIC_KEYS="$FOREIGN_KEYS"
RESOURCE_PID=${PIDS[-1]}
start resource-service-jwks resource-service DATABASE_URL="$(db_url "interop_resource_jwks_$suffix")" \
  BIND_ADDR="127.0.0.1:$JWKS_RESOURCE_PORT" JWKS_URL="$INTEROP_AUTH_URL/.well-known/jwks.json"
wait_ready resource-service "$RESOURCE_PORT" "$RESOURCE_PID"
wait_ready resource-service-jwks "$JWKS_RESOURCE_PORT"
# A second auth-service on the same database, signing with the key cryptography made, given as
# PEM text (ACCESS_TOKEN_PRIVATE_KEY): a key from another tool, in the PKCS#8 form OpenSSL writes.
start auth-service-foreign-key auth-service DATABASE_URL="$(db_url "interop_auth_$suffix")" \
  BIND_ADDR="127.0.0.1:$AUTH2_PORT" ACCESS_TOKEN_PRIVATE_KEY="$(cat "$WORK/python-ed25519.pem")"
wait_ready auth-service-foreign-key "$AUTH2_PORT"
log "auth-service on :$AUTH_PORT (and :$AUTH2_PORT with a foreign key);" \
  "resource-service on :$RESOURCE_PORT (foreign keys) and :$JWKS_RESOURCE_PORT (JWKS_URL)"

# ---- a user, a login and the JWKS document ----------------------------------------------------
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
status=$(curl -s -o "$WORK/jwks.json" -w '%{http_code}' "$INTEROP_AUTH_URL/.well-known/jwks.json")
[ "$status" = 200 ] || die "GET /.well-known/jwks.json answered $status: $(cat "$WORK/jwks.json")"
pass "registered and logged in $user; GET /.well-known/jwks.json answered 200"
status=$(curl -s -o "$WORK/login-foreign-key.json" -w '%{http_code}' -X POST \
  "http://127.0.0.1:$AUTH2_PORT/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"$password\"}")
[ "$status" = 200 ] || die "login on the second auth-service answered $status: $(cat "$WORK/login-foreign-key.json")"

# ---- the checks -------------------------------------------------------------------------------
log "direction 1: our token, verified by PyJWT and jose from the JWKS"
run "interop.py ours" "$PY" "$INTEROP/interop.py" ours
run "interop.mjs ours" node "$INTEROP/interop.mjs" ours
log "direction 2: PyJWT's and jose's tokens, verified by resource-service"
run "interop.py theirs" "$PY" "$INTEROP/interop.py" theirs
run "interop.mjs theirs" node "$INTEROP/interop.mjs" theirs

passed=$(grep -c '^ok' "$RESULTS" || true)
failed=$(grep -c '^FAIL' "$RESULTS" || true)
if [ "$failed" -ne 0 ]; then
  log "failed checks:"
  grep '^FAIL' "$RESULTS" >&2
  for name in auth-service auth-service-foreign-key resource-service resource-service-jwks; do
    log "last lines of $name's log:"
    tail -n 15 "$WORK/$name.log" >&2
  done
fi
log "took $((SECONDS - started)) s"
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
