#!/usr/bin/env bash
# bench/overload.sh: kensho past saturation (issue 7, part 4).
#
#   bench/overload.sh [--rate=N] [--duration=S] [--streams=N] [--unary] [--out=DIR] [--keep]
#                     [--no_build]
#
# Starts the real server (-c opt) on 127.0.0.1:0 over a jpki_sim world
# (--people=100), measures its capacity briefly (closed-loop stream), then
# drives VerifyStream open loop (latency from the intended send time) at
# --rate items/s (default 5x the measured capacity) over --streams streams
# (default 128: the server reads at most 64 items ahead per stream, so only
# many streams can fill its shared worker queue of 4096) for --duration
# seconds (default 10). It reports throughput over time, RESOURCE_EXHAUSTED
# counts and the server's RSS (VmRSS from /proc) every second.
# --unary also runs unary open loop at the same rate for half the duration
# (unary calls run inline on gRPC's threads; nothing sheds them).
# Outputs (JSON, CSV, SVG per run, rss.csv) go to --out (default a /tmp dir).
set -euo pipefail

if [ -n "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then cd "$BUILD_WORKSPACE_DIRECTORY"; fi
cd "$(dirname "$0")/.."
[ -f WORKSPACE ] || { echo "overload: run from the kensho workspace" >&2; exit 2; }

rate=""
duration=10
streams=128
unary=0
out=""
keep=0
build=1
for a in "$@"; do
  case "$a" in
    --rate=*) rate="${a#--rate=}" ;;
    --duration=*) duration="${a#--duration=}" ;;
    --streams=*) streams="${a#--streams=}" ;;
    --unary) unary=1 ;;
    --out=*) out="${a#--out=}" ;;
    --keep) keep=1 ;;
    --no_build) build=0 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "overload: unknown argument $a" >&2; exit 2 ;;
  esac
done

tmp="$(mktemp -d /tmp/kensho-overload.XXXXXX)"
[ -n "$out" ] || out="$tmp/out"
mkdir -p "$out"
# shellcheck source=bench/server_lib.sh
. bench/server_lib.sh
sampler_pid=""
cleanup() {
  local rc=$?
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; fi
  kensho_stop
  if [ "$keep" = 0 ]; then
    if [ "$out" = "$tmp/out" ]; then
      find "$tmp" -mindepth 1 -maxdepth 1 ! -name out -exec rm -rf {} + 2>/dev/null || true
    else
      rm -rf "$tmp"
    fi
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log() { echo "overload: $*" >&2; }

if [ "$build" = 1 ]; then
  bazel build -c opt //server:kensho //tools/jpki_sim //bench:loadgen >"$tmp/build.log" 2>&1 || {
    tail -30 "$tmp/build.log" >&2
    log "build failed; --no_build runs the last -c opt binaries instead"
    exit 1
  }
fi
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"
world="$tmp/world"
kensho_world "$world" "$tmp/kensho.textproto" || exit 1
kensho_start "$bin/server/kensho" "$tmp/kensho.textproto" "$tmp/data" || exit 1

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
cpu_s() { sed 's/^.*) //' "/proc/$server_pid/stat" | awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($12 + $13) / t}'; }
sample() {  # one line per second: label,t,rss_kb,cpu_s
  local label="$1" t=0
  while kill -0 "$server_pid" 2>/dev/null; do
    echo "$label,$t,$(rss_kb),$(cpu_s)" >>"$out/rss.csv"
    sleep 1
    t=$((t + 1))
  done
}
echo "run,second,rss_kb,server_cpu_s" >"$out/rss.csv"
log "kensho (pid $server_pid) on $addr, RSS at start $(rss_kb) kB"

lg() { "$bin/bench/loadgen" --target="$addr" --workload="$world" --types=signed_document "$@"; }

# Capacity (closed loop; also warms the caches).
lg --mode=stream --concurrency=128 --streams=2 --duration=3 --quiet --json="$out/capacity.json" \
  >"$out/capacity.txt" 2>&1 || { cat "$out/capacity.txt" >&2; exit 1; }
capacity="$(/usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["throughput_per_s"]))' "$out/capacity.json")"
[ -n "$rate" ] || rate=$((capacity * 5))
log "capacity (closed-loop stream): $capacity items/s; driving $rate items/s over $streams streams for ${duration}s"

overload_run() {  # label, loadgen flags...
  local label="$1"; shift
  local rss0 cpu0
  rss0="$(rss_kb)"; cpu0="$(cpu_s)"
  sample "$label" & sampler_pid=$!
  lg "$@" --json="$out/$label.json" --csv="$out/$label.csv" --svg="$out/$label.svg" \
    >"$out/$label.txt" 2>"$out/$label.err" || { cat "$out/$label.txt" "$out/$label.err" >&2; exit 1; }
  kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
  echo "== $label: $* =="
  cat "$out/$label.txt"
  echo "per second (items answered/s, p99 ms, RESOURCE_EXHAUSTED/s, server RSS MB):"
  /usr/bin/python3 - "$out/$label.json" "$out/rss.csv" "$label" <<'PY'
import csv, json, sys
j = json.load(open(sys.argv[1]))
rss = [r for r in csv.DictReader(open(sys.argv[2])) if r["run"] == sys.argv[3]]
for s in j["seconds"]:
    t = s["t"]
    r = rss[min(t, len(rss) - 1)]["rss_kb"] if rss else "?"
    print(f"  t={t:>2}s  {s['throughput']:>7}/s  p99 {s['p99_us'] / 1000:>8.1f} ms  "
          f"RESOURCE_EXHAUSTED {s['resource_exhausted']:>6}  rss {int(r) / 1024 if r != '?' else 0:>6.1f} MB")
PY
  echo "server RSS: start $((rss0 / 1024)) MB, end $(($(rss_kb) / 1024)) MB; server CPU $cpu0 -> $(cpu_s) s"
  echo
}

overload_run stream_overload --mode=stream --rate="$rate" --streams="$streams" --duration="$duration" \
  --drain=5
if [ "$unary" = 1 ]; then
  overload_run unary_overload --mode=unary --rate="$rate" --duration=$((duration / 2)) --drain=5 \
    --timeout=5
fi
log "outputs in $out"
