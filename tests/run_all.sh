#!/usr/bin/env bash
# Builds Runnel and runs every test, in two trees:
#  - build/ (Release, GCC): the server, the integration tests and the differential compat suite
#    against Debian's redis-server, through ctest, each Catch2 test case its own ctest test so
#    ctest -j spreads them over the cores;
#  - build-fuzz/ (clang, ASan+UBSan, assertions on): the unit tests, in one process, and each
#    libFuzzer target for 30 s. The unit tests and the fuzz targets share its libraries, so
#    the server's sources are compiled twice in all, not three times.
# The budget is 20 minutes on 2 cores; each phase prints its wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup
jobs=$(nproc 2>/dev/null || echo 2)
phase_start=$SECONDS
phase() {
  echo "== [$((SECONDS - phase_start)) s since the previous mark, $SECONDS s in all] $*"
  phase_start=$SECONDS
}

# Unity builds (16 sources per compiler run): most of a clean build's time went to parsing the
# same headers (the standard library's, catch.hpp) once per file; batching them cut the compile
# from about 750 to 320 CPU-seconds. Each file must still compile alone (the README's run
# command builds without unity), and its anonymous namespace must not clash with another file's:
# helpers that several tests need live in tests/support/.
phase "set-up done; Release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=ON \
  -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 >/dev/null
# Only what ctest runs here (the unit tests run under the sanitizers below; the bench/ drivers
# are built by bench/run).
cmake --build build -j"$jobs" --target runnel-server integration_tests compat_runner

phase "Release build done; integration tests and compat suite (ctest)"
ctest --test-dir build -j"$jobs" -LE unit --output-on-failure

# clang at -O1 with assertions on, every library instrumented for ASan+UBSan and for libFuzzer's
# coverage. No unity build for the libraries: every server source compiles on its own, as in the
# README's run command. The unit tests compile in unity batches at -O0 (tests/CMakeLists.txt).
phase "ctest done; clang build with ASan+UBSan (unit tests, fuzz targets)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DRUNNEL_FUZZ=ON -DCMAKE_UNITY_BUILD=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target unit_tests fuzz_targets

# One process, not ctest: a process per test case pays the sanitizer runtime's start-up a
# thousand times. (The cases are registered with ctest in build-fuzz too, for ctest -R.)
phase "clang build done; unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build-fuzz/tests/unit_tests

# Each libFuzzer target fuzzes for 30 s from a copy of its seed corpus (the repository is not
# written to). Any crash, leak, hang or sanitizer report fails the run.
phase "unit tests done; fuzz targets, 30 s each"
bash tests/fuzz/run.sh 30
phase "fuzzing done"
