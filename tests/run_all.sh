#!/usr/bin/env bash
# Builds Runnel and runs every test: unit and integration tests (ctest), the differential
# compat suite against Debian's redis-server, then the unit tests again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"

cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DRUNNEL_SANITIZE=ON >/dev/null
cmake --build build-sanitize -j"$jobs" --target unit_tests
echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ./build-sanitize/tests/unit_tests

echo "== all tests (unit, integration, compat suite)"
cd build && ctest --output-on-failure
