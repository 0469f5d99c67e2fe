#!/bin/sh
# Runs //bench:verify_benchmark once (built with -c opt) and prints the
# figures and the issue-4 ratios from that one run:
#   warm_cms / rsa_bare, warm_cert / rsa_bare   (target <= 1.3)
#   pipeline_cms / warm_cms, pipeline_cert / warm_cert   (target >= 10)
#
# Usage (from the workspace root, or via `bazel run //bench:compare_verify`):
#   bench/compare_verify.sh [--real] [--out=FILE.json] [benchmark flags...]
#   --real      ratios from real_time instead of cpu_time (default: cpu_time)
#   --out=FILE  where the JSON goes (default: a temp file, path printed)
# Other flags go to the benchmark, e.g. --benchmark_min_time=0.5 (default 0.3).
set -eu

if [ -n "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then cd "$BUILD_WORKSPACE_DIRECTORY"; fi
if [ ! -f WORKSPACE ]; then
  cd "$(dirname "$0")/.."
fi

time_field=cpu_time
out=""
min_time="--benchmark_min_time=0.3"
extra=""
for a in "$@"; do
  case "$a" in
    --real) time_field=real_time ;;
    --out=*) out="${a#--out=}" ;;
    --benchmark_min_time=*) min_time="$a" ;;
    *) extra="$extra $a" ;;
  esac
done
if [ -z "$out" ]; then out="$(mktemp /tmp/verify_benchmark.XXXXXX.json)"; fi
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac

# shellcheck disable=SC2086
bazel run -c opt //bench:verify_benchmark -- \
  --benchmark_out="$out" --benchmark_out_format=json "$min_time" $extra

echo
echo "JSON: $out"
/usr/bin/python3 - "$out" "$time_field" <<'PY'
import json, sys
path, field = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}
rows = {}
for b in doc["benchmarks"]:
    if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
        if b.get("error_occurred"):
            print(f"SKIPPED {b['name']}: {b.get('error_message', '')}")
        continue
    rows[b["name"]] = b
ctx = doc.get("context", {})
print(f"host {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} cpus, {ctx.get('date', '')}; "
      f"ratios from {field}")
print(f"{'benchmark':<52} {'real us/op':>11} {'cpu us/op':>10} {'ops/s':>10}")
for name, b in rows.items():
    u = scale[b.get("time_unit", "ns")]
    ips = b.get("items_per_second")
    ips = f"{ips:>10.0f}" if ips else f"{'-':>10}"
    print(f"{name:<52} {b['real_time'] * u:>11.2f} {b['cpu_time'] * u:>10.2f} {ips}")

def us(name):
    b = rows.get(name)
    return None if b is None else b[field] * scale[b.get("time_unit", "ns")]

rsa = us("BM_RsaVerifyBare")
warm_cms = us("BM_EngineVerifyCmsWarm")
warm_cert = us("BM_EngineValidateCertificateWarm")
pipe_cms = us("BM_OpenSslPipelineCms")
pipe_cert = us("BM_OpenSslPipelineCertificate")
print()
print(f"{'ratio':<32} {'value':>8}  target")
for label, a, b, target, ok in [
    ("warm_cms / rsa_bare", warm_cms, rsa, "<= 1.3", lambda r: r <= 1.3),
    ("warm_cert / rsa_bare", warm_cert, rsa, "(info)", None),
    ("pipeline_cms / warm_cms", pipe_cms, warm_cms, ">= 10", lambda r: r >= 10),
    ("pipeline_cert / warm_cert", pipe_cert, warm_cert, ">= 10", lambda r: r >= 10),
]:
    if a is None or b is None or b == 0:
        print(f"{label:<32} {'n/a':>8}  {target}")
        continue
    r = a / b
    verdict = "" if ok is None else ("  met" if ok(r) else "  MISSED")
    print(f"{label:<32} {r:>8.2f}  {target}{verdict}")
PY
