# Sourced by bench/compare, bench/overload.sh and bench/ab.sh: a jpki_sim
# world with a config that trusts it, and one kensho server started and
# stopped. The caller sets `bin` (the -c opt bazel-bin) and `tmp` (its
# scratch folder); kensho_start sets `server_pid` and `addr`.

server_pid=""
addr=""

# kensho_world WORLD CONFIG [crls]: jpki_sim --people=100 --seed=1 into WORLD
# (keys from KENSHO_KEY_POOL, default ~/.cache/kensho-keypool, so repeated
# runs skip RSA key generation) and CONFIG trusting its roots; with "crls"
# the server also loads the world's CRLs.
kensho_world() {
  local world="$1" config="$2" crls="${3:-}"
  local pool="${KENSHO_KEY_POOL:-$HOME/.cache/kensho-keypool}"
  mkdir -p "$pool"
  "$bin/tools/jpki_sim/jpki_sim" --out="$world" --people=100 --seed=1 --key_pool="$pool" \
    >"$tmp/sim.txt" 2>&1 || { cat "$tmp/sim.txt" >&2; return 1; }
  {
    echo "trust_profiles { name: \"jpki-sign\" anchor_files: \"$world/trust/jpki-sign.pem\" }"
    echo "trust_profiles { name: \"jpki-auth\" anchor_files: \"$world/trust/jpki-auth.pem\" }"
    if [ "$crls" = crls ]; then echo "revocation { crl_dir: \"$world/crl\" }"; fi
  } >"$config"
}

# kensho_start SERVER CONFIG DATA_DIR: starts SERVER on 127.0.0.1:0 and waits
# (15 s at most) for its address; its stdout and stderr go to $tmp/server.*.
kensho_start() {
  "$1" --config="$2" --listen=127.0.0.1:0 --data_dir="$3" \
    >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  addr=""
  for _ in $(seq 1 150); do
    addr="$(sed -n 's/^kensho listening on //p' "$tmp/server.out" | head -1)"
    [ -n "$addr" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited: $(cat "$tmp/server.err")" >&2; return 1; }
    sleep 0.1
  done
  echo "server did not print its address" >&2
  return 1
}

# kensho_stop: SIGTERM, then SIGKILL after 10 s; nothing when none runs.
kensho_stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

# kensho_cpu_ticks: the server's CPU time so far (utime + stime, clock ticks).
kensho_cpu_ticks() { sed 's/^.*) //' "/proc/$server_pid/stat" | awk '{print $12 + $13}'; }
