#!/usr/bin/env bash
# Runs resource-service's API test suite with photos kept in an S3 bucket instead of a directory
# (docs/PHOTOS.md, Storage): the same tests, against a real S3-protocol server, moto's standalone
# server from PyPI, started here on 127.0.0.1 and stopped on exit. Each test app gets its own
# key prefix in one bucket.
#
# Knobs (environment): S3_TEST_PORT (default 19000); extra arguments go to `cargo test` (a
# filter, say: `scripts/s3-tests.sh photo_`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MOTO_VERSION=5.2.5
PORT=${S3_TEST_PORT:-19000}
VENV=$ROOT/target/s3-tests-venv
BUCKET=photos-test

log() { echo "s3-tests.sh: $*" >&2; }

if [ ! -x "$VENV/bin/moto_server" ]; then
  log "installing moto[server] $MOTO_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "moto[server]==$MOTO_VERSION"
fi

LOG=$(mktemp -t moto.XXXXXX.log)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO=$!
trap 'kill "$MOTO" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/moto-api/" 2>/dev/null && break
  kill -0 "$MOTO" 2>/dev/null || { cat "$LOG" >&2; log "moto_server did not start"; exit 1; }
  sleep 0.1
done
curl -fsS -X PUT -o /dev/null "http://127.0.0.1:$PORT/$BUCKET"
log "S3 server on 127.0.0.1:$PORT, bucket $BUCKET"

export TEST_PHOTO_STORE="s3://$BUCKET"
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test-key AWS_SECRET_ACCESS_KEY=test-secret
cargo test --locked -p resource-service --test api -- "$@"
