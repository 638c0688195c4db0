#!/usr/bin/env bash
# Builds Runnel and runs every test: the unit tests under ASan+UBSan, then unit and integration
# tests and the differential compat suite against Debian's redis-server on the Release build.
# Each Catch2 test case is its own ctest test, so ctest -j spreads them over the cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup
jobs=$(nproc 2>/dev/null || echo 2)

# Only what the tests run (the bench/ drivers are built by bench/run).
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" --target runnel-server unit_tests integration_tests compat_runner

cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DRUNNEL_SANITIZE=ON >/dev/null
cmake --build build-sanitize -j"$jobs" --target unit_tests
echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --test-dir build-sanitize -j"$jobs" -L '^unit$' --output-on-failure

echo "== all tests (unit, integration, compat suite)"
ctest --test-dir build -j"$jobs" --output-on-failure
