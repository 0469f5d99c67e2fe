#!/bin/bash
# Sets up, builds and starts kensho on its embedded default: a generated demo
# JPKI world in ./data, RocksDB under ./data, listening on loopback only.
# Re-running restarts it. Stop it with: scripts/demo.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=data
PIDFILE=$DATA/kensho.pid
LOG=$DATA/kensho.log
LISTEN=${KENSHO_LISTEN:-127.0.0.1:50051}
METRICS=${KENSHO_METRICS_LISTEN:-127.0.0.1:9464}

stop() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill -TERM "$(cat "$PIDFILE")"
    for _ in $(seq 1 100); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$PIDFILE"
}

if [ "${1:-}" = stop ]; then stop; echo "kensho stopped"; exit 0; fi

./scripts/setup.sh
bazel build //server:kensho //tools/kensho_cli //tools/jpki_sim
stop
mkdir -p "$DATA"
: >"$LOG"  # exists before the wait below reads it (the background redirect may come later)
nohup ./bazel-bin/server/kensho --demo --data_dir="$DATA" --listen="$LISTEN" \
  --metrics_listen="$METRICS" >"$LOG" 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 1 600); do
  if grep -q "kensho listening on" "$LOG"; then break; fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then cat "$LOG" >&2; exit 1; fi
  sleep 0.1
done
ADDRESS=$(sed -n 's/^kensho listening on //p' "$LOG" | tail -1)
CLI=./bazel-bin/tools/kensho_cli/kensho_cli
EXAMPLE=$(ls "$DATA"/demo/items/*.der 2>/dev/null | head -1 || true)
echo
echo "kensho listening on $ADDRESS (pid $(cat "$PIDFILE"), log $LOG, demo world $DATA/demo)"
echo "example call:  $CLI --target=$ADDRESS health"
$CLI --target="$ADDRESS" health
echo "more:          $CLI --target=$ADDRESS status"
if [ -n "$EXAMPLE" ]; then
  echo "               $CLI --target=$ADDRESS validate $EXAMPLE"
fi
METRICS_AT=$(sed -n 's/^kensho metrics on //p' "$LOG" | tail -1)
echo "dashboard:     http://$METRICS_AT/   (metrics: http://$METRICS_AT/metrics)"
echo "stop:          scripts/demo.sh stop"
