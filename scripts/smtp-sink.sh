#!/usr/bin/env bash
# A real SMTP server for the tests (docs/RECOVERY.md, Tests): aiosmtpd from PyPI, installed once
# into target/smtp-sink-venv (under a lock, so tests that start it in parallel install it once),
# writing every message it accepts as an .eml file into a directory. The tests start and stop
# it themselves (test-support's `smtp` module); to watch mails by hand:
#
#   bash scripts/smtp-sink.sh --port 2525 --dir /tmp/mails
#   SMTP_URL=smtp://127.0.0.1:2525 bash scripts/dev.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=$ROOT/target/smtp-sink-venv
AIOSMTPD_VERSION=1.4.6

mkdir -p "$ROOT/target"
(
  flock 9
  if ! "$VENV/bin/python" -c 'import aiosmtpd' >/dev/null 2>&1; then
    echo "smtp-sink.sh: installing aiosmtpd $AIOSMTPD_VERSION into $VENV" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
) 9>"$ROOT/target/smtp-sink.lock"
exec "$VENV/bin/python" "$ROOT/scripts/smtp_sink.py" "$@"
