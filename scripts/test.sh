#!/bin/bash
# The whole test suite: installs what is missing, runs every Bazel test twice
# (a normal build, then under AddressSanitizer + UndefinedBehaviorSanitizer),
# the concurrent tests under ThreadSanitizer, clang's thread-safety analysis
# over the lock-annotated libraries, then each fuzzer for a short,
# bounded time (fuzz/README.md), and ends with one line "N passed, N failed"
# counted from the test XML (one result per fuzzer).
# KENSHO_SKIP_SANITIZERS=1 runs the normal pass only; KENSHO_FUZZ_SECONDS
# (default 15) is the time per fuzzer.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh || exit 1

SHARED="$(cd .. && pwd)/shared"
TEST_ENV=()
if [ -d "$SHARED" ]; then TEST_ENV=(--test_env=KENSHO_SHARED="$SHARED"); fi

TARGETS=$(bazel query 'tests(//...) except attr(tags, manual, tests(//...))' 2>/dev/null)
# The concurrent parts, for the ThreadSanitizer pass.
TSAN_TARGETS="//verify:challenge_store_test //server:worker_pool_test //tests:workload_e2e_test //tests:server_e2e_test //cache:revocation_store_test"
TOTALS=$(mktemp)
trap 'rm -f "$TOTALS"' EXIT

# Runs one pass and appends "passed failed skipped" to $TOTALS. A target that
# failed without XML (failed to build, crashed, timed out) counts as one
# failure. PASS_TARGETS (default: all) limits the pass to some targets.
run_pass() {
  local name=$1
  shift
  echo "=== test pass: $name"
  # shellcheck disable=SC2086
  bazel test ${PASS_TARGETS:-//...} "${TEST_ENV[@]}" "$@"
  local status=$?
  # This configuration's folder (the bazel-testlogs link follows the last command).
  local testlogs
  testlogs=$(bazel info "${TEST_ENV[@]}" "$@" bazel-testlogs 2>/dev/null)
  python3 - "$status" "$testlogs" "$name" ${PASS_TARGETS:-$TARGETS} >>"$TOTALS" <<'PY'
import os, sys, xml.etree.ElementTree as ET
status, testlogs, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
passed = failed = skipped = 0
for label in sys.argv[4:]:
    pkg, target = label.lstrip("/").split(":")
    xml = os.path.join(testlogs, pkg, target, "test.xml")
    try:
        root = ET.parse(xml).getroot()
    except Exception:
        failed += 1
        print(f"{name}: no test results for {label}", file=sys.stderr)
        continue
    n = 0
    for c in root.iter("testcase"):
        n += 1
        if c.find("failure") is not None or c.find("error") is not None:
            failed += 1
        elif c.find("skipped") is not None or c.get("result") == "skipped":
            skipped += 1
        else:
            passed += 1
    if n == 0:
        # A test without cases (a script): its one result is the suite's.
        bad = root.find(".//failure") is not None or root.find(".//error") is not None
        failed += bad
        passed += not bad
if status != 0 and failed == 0:
    failed = 1  # the build failed before any test ran
print(passed, failed, skipped)
PY
}

run_pass normal
if [ "${KENSHO_SKIP_SANITIZERS:-0}" != 1 ]; then
  run_pass asan+ubsan --config=asan
  PASS_TARGETS="$TSAN_TARGETS" run_pass tsan --config=tsan
  # Clang's thread-safety analysis (.bazelrc --config=tsa) over the libraries
  # whose locks are annotated: one result, failed on any lock misuse it finds.
  echo "=== lock analysis: clang -Wthread-safety"
  LOCK_TARGETS=$(bazel query 'kind(cc_library, //cache/... + //revocation/... + //server/... + //verify/...)' 2>/dev/null)
  # shellcheck disable=SC2086
  if bazel build --config=tsa $LOCK_TARGETS; then echo "1 0 0" >>"$TOTALS"; else echo "0 1 0" >>"$TOTALS"; fi
  echo "=== fuzz pass: ${KENSHO_FUZZ_SECONDS:-15} s per fuzzer"
  fuzz/run_fuzzers.sh --seconds "${KENSHO_FUZZ_SECONDS:-15}" --totals "$TOTALS" --shared "$SHARED"
fi

read -r passed failed skipped < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$TOTALS")
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
