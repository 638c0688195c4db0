#!/usr/bin/env bash
# Builds Runnel and runs every test: the unit tests under ASan+UBSan, then unit and integration
# tests and the differential compat suite against Debian's redis-server on the Release build,
# where each Catch2 test case is its own ctest test, so ctest -j spreads them over the cores;
# then each libFuzzer target for 30 s (clang build in build-fuzz/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup
jobs=$(nproc 2>/dev/null || echo 2)
# Each phase prints its wall time, so a run's log shows where the 20-minute budget goes.
phase_start=$SECONDS
phase() {
  echo "== [$((SECONDS - phase_start)) s since the previous mark, $SECONDS s in all] $*"
  phase_start=$SECONDS
}

# Unity builds (16 sources per compiler run): most of a clean build's time went to parsing the
# same headers (the standard library's, catch.hpp) once per file; batching them cut the compile
# from about 750 to 320 CPU-seconds. Each file must still compile alone (the README's run
# command builds without unity), and its anonymous namespace must not clash with another file's:
# helpers that several tests need live in tests/support/. The fuzz build below is the ordinary
# one, so a source that only compiles thanks to its unity neighbours' includes fails here.
unity=(-DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16)

# Only what the tests run (the bench/ drivers are built by bench/run).
phase "set-up done; Release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${unity[@]}" >/dev/null
cmake --build build -j"$jobs" --target runnel-server unit_tests integration_tests compat_runner

phase "Release build done; sanitizer build"
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DRUNNEL_SANITIZE=ON "${unity[@]}" >/dev/null
cmake --build build-sanitize -j"$jobs" --target unit_tests
# One process, not ctest: a process per test case pays the sanitizer runtime's start-up 437
# times (measured: 50 s with ctest -j2 against 25 s in one run). The tests are registered with
# ctest in build-sanitize too, for ctest -R.
phase "sanitizer build done; unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build-sanitize/tests/unit_tests

phase "sanitizer tests done; all tests (unit, integration, compat suite)"
ctest --test-dir build -j"$jobs" --output-on-failure

# The libFuzzer targets (tests/fuzz/): clang, every library instrumented and under ASan+UBSan,
# at -O1 with assertions on; each target then fuzzes for 30 s from its seed corpus (a copy:
# the repository is not written to). Any crash, leak, hang or sanitizer report fails the run.
# No unity build here: every server source compiles on its own, as in the README's command.
phase "ctest done; fuzz build"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DRUNNEL_FUZZ=ON -DRUNNEL_TESTS=OFF \
  -DCMAKE_UNITY_BUILD=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_targets
phase "fuzz build done; fuzz targets, 30 s each"
bash tests/fuzz/run.sh 30
phase "fuzzing done"
