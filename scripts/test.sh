#!/bin/bash
# The whole test suite: installs what is missing, runs every Bazel test and
# ends with one line "N passed, N failed" counted from the test XML.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh || exit 1

SHARED="$(cd .. && pwd)/shared"
TEST_ENV=()
if [ -d "$SHARED" ]; then TEST_ENV=(--test_env=KENSHO_SHARED="$SHARED"); fi

bazel test //... "${TEST_ENV[@]}" "$@"
bazel_status=$?

# Count test cases from each target's XML; a target that failed without XML
# (failed to build, crashed, timed out) counts as one failure.
targets=$(bazel query 'tests(//...) except attr(tags, manual, tests(//...))' 2>/dev/null)
# The folder for this configuration (the bazel-testlogs link follows whatever
# Bazel command ran last).
testlogs=$(bazel info "${TEST_ENV[@]}" "$@" bazel-testlogs 2>/dev/null)
python3 - "$bazel_status" "$testlogs" $targets <<'PY'
import os, sys, xml.etree.ElementTree as ET
status = int(sys.argv[1])
testlogs = sys.argv[2]
passed = failed = skipped = 0
for label in sys.argv[3:]:
    pkg, name = label.lstrip("/").split(":")
    xml = os.path.join(testlogs, pkg, name, "test.xml")
    try:
        root = ET.parse(xml).getroot()
    except Exception:
        failed += 1
        print(f"no test results for {label}")
        continue
    cases = root.iter("testcase")
    n = 0
    for c in cases:
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
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed or status != 0 else 0)
PY
