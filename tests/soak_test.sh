#!/bin/bash
# Soak: the real server under steady stream load (loopback, bounded in
# time) must keep its memory flat and answer every item as the workload
# expects. Fails on any mismatch or error, or if the server's RSS in the last
# part of the run exceeds its size after warm-up by more than 25% + 32 MiB.
set -euo pipefail
RUNFILES="${TEST_SRCDIR}/${TEST_WORKSPACE}"
KENSHO="$RUNFILES/server/kensho"
SIM="$RUNFILES/tools/jpki_sim/jpki_sim"
LOADGEN="$RUNFILES/bench/loadgen"
DURATION="${SOAK_SECONDS:-20}"
T="$TEST_TMPDIR"

"$SIM" --out="$T/world" --people=60 --seed=4 --key_pool_size=8 >/dev/null
cat >"$T/kensho.textproto" <<CFG
trust_profiles { name: "jpki-sign" anchor_files: "$T/world/trust/jpki-sign.pem" }
trust_profiles { name: "jpki-auth" anchor_files: "$T/world/trust/jpki-auth.pem" }
revocation { crl_dir: "$T/world/crl" }
CFG
"$KENSHO" --listen=127.0.0.1:0 --data_dir="$T/data" --config="$T/kensho.textproto" \
  >"$T/server.out" 2>"$T/server.err" &
PID=$!
trap 'kill -9 $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  grep -q "kensho listening on" "$T/server.out" && break
  kill -0 $PID || { cat "$T/server.err"; exit 1; }
  sleep 0.1
done
ADDRESS=$(sed -n 's/^kensho listening on //p' "$T/server.out")

"$LOADGEN" --target="$ADDRESS" --workload="$T/world" --mode=stream --concurrency=64 \
  --duration="$DURATION" --expect_revocation --quiet --json="$T/soak.json" >"$T/loadgen.out" 2>&1 &
LG=$!
: >"$T/rss"
for s in $(seq 1 "$DURATION"); do
  sleep 1
  awk '/VmRSS/ {print $2}' /proc/$PID/status >>"$T/rss"
done
wait $LG || { cat "$T/loadgen.out"; exit 1; }
# The load generator's control mode (Health/Check calls) against the same server.
"$LOADGEN" --target="$ADDRESS" --workload="$T/world" --mode=empty --concurrency=8 \
  --requests=500 --quiet --json="$T/empty.json" >"$T/empty.out" 2>&1 || { cat "$T/empty.out"; exit 1; }
python3 - "$T/empty.json" <<'PY' || { cat "$T/empty.out"; exit 1; }
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if (r["mode"], r["verdicts"], r["errors"], r["mismatches"]) == ("empty", 500, 0, 0) else 1)
PY
kill -TERM $PID
wait $PID
STATUS=$?
trap - EXIT

python3 - "$T/soak.json" "$T/rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rss = [int(x) for x in open(sys.argv[2]) if x.strip()]
warm = rss[min(4, len(rss) - 1)]
late = max(rss[len(rss) // 2:])
print(f"soak: {r['throughput_per_s']:.0f} items/s, p99 {r['p99_us']} us, errors {r['errors']}, "
      f"mismatches {r['mismatches']}, RSS after warm-up {warm} KiB, max later {late} KiB")
ok = r["errors"] == 0 and r["mismatches"] == 0 and late <= warm * 1.25 + 32 * 1024
sys.exit(0 if ok else 1)
PY
[ "$STATUS" -eq 0 ] || { echo "server exited with $STATUS"; exit 1; }
