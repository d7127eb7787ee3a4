#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo fuzz, libFuzzer) of the token verifier and resource-service's
# input parsers, for a bounded time per target, starting from the committed seeds in
# fuzz/corpus/<target>/. Exits non-zero if any target crashes; the crashing input is kept under
# fuzz/artifacts/<target>/ and the command that replays it is printed.
#
#   FUZZ_SECONDS   seconds of fuzzing per target (default 30)
#   FUZZ_TARGETS   space-separated targets (default: all in fuzz/Cargo.toml)
#   FUZZ_SANITIZER address (default) or none. Our crates forbid unsafe code, so AddressSanitizer
#                  guards only the dependencies' unsafe code; without it the build is about 40%
#                  shorter and each target runs about 7 times as many inputs in the same time.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "fuzz: $*" >&2; }

seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-"token_verify upload_sniff cursor_parse image_prepare"}
sanitizer=${FUZZ_SANITIZER:-address}
started=$SECONDS

# cargo fuzz builds with unstable compiler flags (sanitizer coverage, -Zsanitizer=address) that
# only a nightly rustc accepts. Our machines have one stable toolchain and cannot fetch another;
# RUSTC_BOOTSTRAP=1 lets that stable rustc and cargo accept the same flags. It affects only this
# script's builds, which go to fuzz/target and never into a release.
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
installed=$SECONDS

log "building $targets (sanitizer: $sanitizer)"
for target in $targets; do
  cargo fuzz build --sanitizer "$sanitizer" "$target"
done
built=$SECONDS

# New inputs go to a scratch corpus, so the committed seeds stay the same small set; the seed
# folder is passed second, which libFuzzer only reads.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

summary=()
failed=0
for target in $targets; do
  mkdir -p "$scratch/$target"
  dict=()
  if [ -f "fuzz/dict/$target.dict" ]; then dict=("-dict=fuzz/dict/$target.dict"); fi
  log "running $target for ${seconds}s"
  status=0
  cargo fuzz run --sanitizer "$sanitizer" "$target" "$scratch/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 "${dict[@]}" \
    >"$scratch/$target.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$target.log" | tail -n 1)
  if [ "$status" -eq 0 ]; then
    summary+=("$target: ${runs:-?} executions in ${seconds}s, no crash")
  else
    failed=1
    tail -n 60 "$scratch/$target.log" >&2
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$scratch/$target.log" | tail -n 1)
    if [ -n "$artifact" ]; then
      summary+=("$target: CRASHED after ${runs:-?} executions; input kept in $artifact")
      summary+=("  replay: RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer $sanitizer $target $artifact")
    else
      summary+=("$target: FAILED (exit $status, no crash input saved): see the log above")
    fi
  fi
done

for line in "${summary[@]}"; do log "$line"; done
log "took $((SECONDS - started))s (install $((installed - started))s, build $((built - installed))s, fuzzing $((SECONDS - built))s)"
exit "$failed"
