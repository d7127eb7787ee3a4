# Sourced by the scripts that start the services against throwaway databases (api-fuzz.sh,
# interop-tests.sh): on exit, whatever they started is stopped and whatever they created is
# dropped. The sourcing script sets BASE_URL (a database URL on the server to use; its database
# part names the one to connect to for CREATE and DROP) and WORK (its temporary directory), then
# appends to PIDS and DATABASES.
PIDS=()
DATABASES=()
# The server part of BASE_URL with another database: scheme://user@host:port/<name>?query.
db_url() {
  local rest=${BASE_URL#*://} query=
  case $rest in *\?*) query="?${rest#*\?}"; rest=${rest%%\?*} ;; esac
  echo "${BASE_URL%%://*}://${rest%%/*}/$1$query"
}
ADMIN_URL=$(db_url "$(basename "${BASE_URL%%\?*}")")
cleanup() {
  local pid name
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for name in "${DATABASES[@]}"; do
    psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
