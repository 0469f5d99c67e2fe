#!/usr/bin/env bash
# bench/ab.sh: two kensho server binaries side by side, interleaved, for a
# speed change whose effect is smaller than this shared machine's noise.
#
#   bench/ab.sh --a=SERVER_A --b=SERVER_B [--rounds=N] [--duration=S]
#               [--modes=batch,stream,unary] [--keep]
#
# Both binaries serve the same jpki_sim world (--people=100, its CRLs loaded)
# with the same config; each round starts A, then B (a fresh server each
# time), runs //bench:loadgen over signed documents in each mode for
# --duration seconds (default 6) after a 1 s warm-up, and reads the server's
# CPU time (utime+stime from /proc) per verdict. Rounds alternate A and B so
# that a slow minute of the machine hits both. Prints each round and then,
# per mode, the mean for A and B and B/A. Build the two binaries first (e.g.
# `bazel build -c opt //server:kensho`, copy it away, change, build again).
# Uses the last -c opt builds of //bench:loadgen and //tools/jpki_sim.
set -euo pipefail

if [ -n "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then cd "$BUILD_WORKSPACE_DIRECTORY"; fi
cd "$(dirname "$0")/.."
[ -f WORKSPACE ] || { echo "ab: run from the kensho workspace" >&2; exit 2; }

a="" b="" rounds=3 duration=6 modes="batch,stream,unary" keep=0
for arg in "$@"; do
  case "$arg" in
    --a=*) a="${arg#--a=}" ;;
    --b=*) b="${arg#--b=}" ;;
    --rounds=*) rounds="${arg#--rounds=}" ;;
    --duration=*) duration="${arg#--duration=}" ;;
    --modes=*) modes="${arg#--modes=}" ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "ab: unknown argument $arg" >&2; exit 2 ;;
  esac
done
[ -x "$a" ] && [ -x "$b" ] || { echo "ab: --a and --b must be server binaries" >&2; exit 2; }
a="$(realpath "$a")"
b="$(realpath "$b")"

bin="$(bazel info -c opt bazel-bin 2>/dev/null)"
for t in bench/loadgen tools/jpki_sim/jpki_sim; do
  [ -x "$bin/$t" ] || { echo "ab: build -c opt //bench:loadgen //tools/jpki_sim first" >&2; exit 1; }
done

tmp="$(mktemp -d /tmp/kensho-ab.XXXXXX)"
# shellcheck source=bench/server_lib.sh
. bench/server_lib.sh
cleanup() {
  local rc=$?
  kensho_stop
  if [ "$keep" = 0 ]; then rm -rf "$tmp"; else echo "ab: kept $tmp" >&2; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

world="$tmp/world"
kensho_world "$world" "$tmp/kensho.textproto" crls || exit 1

declare -A shape=(
  [batch]="--concurrency=4 --batch_size=100"
  [stream]="--concurrency=128 --streams=2"
  [unary]="--concurrency=32"
)
filter=(--types=signed_document --expect_revocation)
tck="$(getconf CLK_TCK)"
results="$tmp/results.txt"
: >"$results"

run_server() {  # label binary round
  local label="$1" server="$2" round="$3"
  rm -rf "$tmp/data"
  kensho_start "$server" "$tmp/kensho.textproto" "$tmp/data" || { echo "ab: $label did not start" >&2; exit 1; }
  "$bin/bench/loadgen" --target="$addr" --workload="$world" --mode=unary --concurrency=8 \
    --duration=1 --quiet "${filter[@]}" >/dev/null 2>&1
  local mode
  for mode in ${modes//,/ }; do
    [ -n "${shape[$mode]:-}" ] || { echo "ab: unknown mode $mode" >&2; exit 2; }
    local before after
    before="$(kensho_cpu_ticks)"
    # shellcheck disable=SC2086
    "$bin/bench/loadgen" --target="$addr" --workload="$world" --mode="$mode" ${shape[$mode]} \
      --duration="$duration" --quiet "${filter[@]}" --json="$tmp/run.json" >/dev/null 2>"$tmp/lg.err" \
      || { cat "$tmp/lg.err" >&2; exit 1; }
    after="$(kensho_cpu_ticks)"
    /usr/bin/python3 - "$tmp/run.json" "$((after - before))" "$tck" "$label" "$round" "$mode" \
      >>"$results" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
ticks, tck = int(sys.argv[2]), float(sys.argv[3])
if j["errors"] or j["mismatches"]:
    sys.exit(f"ab: {sys.argv[4]} {sys.argv[6]}: {j['errors']} errors, {j['mismatches']} mismatches")
print(sys.argv[4], sys.argv[5], sys.argv[6], f"{ticks / tck * 1e6 / j['verdicts']:.2f}")
PY
    echo "ab: round $round $label $(tail -1 "$results" | awk '{print $3, $4}') us/doc" >&2
  done
  kensho_stop
}

for round in $(seq 1 "$rounds"); do
  run_server A "$a" "$round"
  run_server B "$b" "$round"
done

/usr/bin/python3 - "$results" "$a" "$b" <<'PY'
import collections, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, _, mode, us = line.split()
    runs[(label, mode)].append(float(us))
print(f"A = {sys.argv[2]}\nB = {sys.argv[3]}")
print(f"{'mode':<8} {'A us/doc (runs)':<34} {'B us/doc (runs)':<34} {'B/A':>6}")
for mode in dict.fromkeys(m for _, m in runs):
    ra, rb = runs[("A", mode)], runs[("B", mode)]
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    fa = f"{ma:.2f} ({' '.join(f'{x:.1f}' for x in ra)})"
    fb = f"{mb:.2f} ({' '.join(f'{x:.1f}' for x in rb)})"
    print(f"{mode:<8} {fa:<34} {fb:<34} {mb / ma:>6.3f}")
PY
