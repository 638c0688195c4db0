#!/usr/bin/env bash
# Runs the libFuzzer targets of build-fuzz/ (built by tests/run_all.sh, or by hand: see the
# README's Testing section), each on a copy of its seed corpus so the repository is never
# written to, as many at once as there are cores. Any crash, leak, timeout, out-of-memory or
# sanitizer report fails the run; the input that caused it is kept under
# build-fuzz/fuzz-artifacts/<target>/.
#   tests/fuzz/run.sh SECONDS [TARGET...]    (targets: resp_parser stream_id block_import
#                                             aof_loader config lua_convert commands; default: all)
# FUZZ_WORK=DIR keeps the grown corpora in DIR/<target>/ (and starts from them next time), for
# long runs done in several sittings.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
((${#targets[@]})) || targets=(resp_parser stream_id block_import aof_loader config lua_convert commands)
jobs=$(nproc 2>/dev/null || echo 2)
bin=build-fuzz/tests/fuzz
artifacts=build-fuzz/fuzz-artifacts
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

run_one() {
  local target=$1 corpus
  if [[ -n "${FUZZ_WORK:-}" ]]; then
    corpus=$FUZZ_WORK/$target
    mkdir -p "$corpus"
  else
    corpus=$scratch/$target
  fi
  cp -rn "tests/fuzz/corpus/$target/." "$corpus/"
  mkdir -p "$artifacts/$target"
  # -timeout: one input running this long is a hang; -rss_limit_mb: memory is a finding too.
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$bin/fuzz_$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=4096 -print_final_stats=1 -artifact_prefix="$artifacts/$target/" \
      >"$scratch/$target.log" 2>&1; then
    echo "fuzz_$target: ok, $(grep -o 'stat::number_of_executed_units: *[0-9]*' \
      "$scratch/$target.log" | grep -o '[0-9]*$') runs in ${seconds} s"
  else
    echo "fuzz_$target: FAILED (input kept in $artifacts/$target/)"
    tail -n 60 "$scratch/$target.log"
    return 1
  fi
}

failed=0
running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || failed=$((failed + 1))
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || failed=$((failed + 1))
  running=$((running - 1))
done
echo "fuzz: $((${#targets[@]} - failed)) passed, $failed failed"
((failed == 0))
