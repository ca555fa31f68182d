#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for RUNS inputs (default 1,000,000), one at
# a time in one process (one core) at niceness 10, and prints one line per target: inputs run and panics.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
#   scripts/fuzz.sh                 # every target
#   RUNS=100000 scripts/fuzz.sh go_mod note_tile
set -u
cd "$(dirname "$0")/../fuzz"
runs=${RUNS:-1000000}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=($(ls fuzz_targets | sed 's/\.rs$//'))
mkdir -p logs
# SKIP_BUILD=1: a second campaign beside a first one that built the binaries.
[ -n "${SKIP_BUILD:-}" ] || nice -n 10 cargo +nightly fuzz build || exit 2
failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # Seeds: the repository's own examples of each format, where there are some.
  case $t in
    explain_text) cp -n ../fixtures/explain/*.txt "corpus/$t/" 2>/dev/null ;;
    os_outputs) find ../fixtures/platform -type f -exec cp -n {} "corpus/$t/" \; 2>/dev/null ;;
    report_json) [ -n "${REPORT_SEED:-}" ] && cp -n "$REPORT_SEED" "corpus/$t/" ;;
  esac
  # A whole report is larger than the other formats' inputs.
  max_len=8192
  [ "$t" = report_json ] && max_len=32768
  start=$(date +%s)
  # The built binary itself, not `cargo fuzz run`: edits to the crate during a long
  # campaign then leave the binaries (and the figures) as they were built.
  mkdir -p "artifacts/$t"
  nice -n 10 "target/x86_64-unknown-linux-gnu/release/$t" "corpus/$t" -runs="$runs" \
    -artifact_prefix="artifacts/$t/" \
    -max_len=$max_len -rss_limit_mb=2048 -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  done_runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(ls artifacts/"$t" 2>/dev/null | grep -c '^crash-' || true)
  echo "$t: ${done_runs:-0} inputs, exit $rc, $crashes crash artifact(s), $(( $(date +%s) - start )) s"
  [ "$rc" -ne 0 ] && failed=1
done
exit $failed
