#!/bin/bash
# Runs every kensho fuzzer for a bounded time on its seeds and appends one
# "passed failed skipped" line to TOTALS_FILE (a fuzzer that crashes, leaks,
# times out or fails to build counts as one failure).
#
#   fuzz/run_fuzzers.sh [--seconds N] [--totals FILE] [--corpus DIR] [--shared DIR] [FUZZER...]
#
# --seconds  per fuzzer (default 15; scripts/test.sh's short pass)
# --corpus   keep what the fuzzers find in DIR/<fuzzer> (default: a temporary
#            folder, dropped at the end); give it for long runs
# --shared   the ../shared folder (default: next to the repository)
# Seeds: ../shared/conformance/fuzz-seeds (read in place), a small jpki_sim
# world generated here (trust store + valid documents, certificates, CRLs,
# requests) and fuzz/seeds/ (OCSP responses by ocsp_fuzzer's test CA).
# Crash inputs are kept in ~/.cache/kensho-fuzz/artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=15
TOTALS_FILE=/dev/null
CORPUS=""
SHARED="$(cd .. && pwd)/shared"
FUZZERS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    --totals) TOTALS_FILE=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --shared) SHARED=$2; shift 2 ;;
    *) FUZZERS+=("$1"); shift ;;
  esac
done
ALL=(cms_parser_fuzzer cms_verify_fuzzer certificate_fuzzer crl_fuzzer handler_fuzzer ocsp_fuzzer
  rsa_ifma_fuzzer)
[ ${#FUZZERS[@]} -gt 0 ] || FUZZERS=("${ALL[@]}")

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kensho-fuzz"
ARTIFACTS="$CACHE/artifacts"
mkdir -p "$ARTIFACTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kensho-fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
[ -n "$CORPUS" ] || CORPUS="$WORK/corpus"

fail_all() {
  echo "fuzz: $1" >&2
  echo "0 ${#FUZZERS[@]} 0" >>"$TOTALS_FILE"
  exit 1
}

echo "=== fuzz: building (--config=fuzz)"
bazel build --config=fuzz //fuzz:all_fuzzers || fail_all "fuzzers failed to build"
FUZZ_BIN=$(bazel info --config=fuzz bazel-bin 2>/dev/null)/fuzz
bazel build //fuzz:make_seeds //tools/jpki_sim || fail_all "make_seeds/jpki_sim failed to build"
BIN=$(bazel info bazel-bin 2>/dev/null)

# A small deterministic world (the key pool is cached; ~2 s). Its "now" is the
# fuzz environment's validation time (fuzz/fuzz_env.h).
WORLD="$WORK/world"
"$BIN/tools/jpki_sim/jpki_sim" --out="$WORLD" --people=12 --seed=7 --now=2026-03-01T00:00:00Z \
  --key_pool="$CACHE/keypool" --key_pool_size=6 >/dev/null || fail_all "jpki_sim failed"
"$BIN/fuzz/make_seeds" "$WORLD" "$WORK/seeds" 30 >/dev/null || fail_all "make_seeds failed"
export KENSHO_FUZZ_WORLD="$WORLD"

S="$SHARED/conformance/fuzz-seeds"
existing() { for d in "$@"; do [ -d "$d" ] && echo "$d"; done; }
seeds_for() {
  case "$1" in
    cms_parser_fuzzer | cms_verify_fuzzer)
      echo "$WORK/seeds/cms"; existing "$S/openssl-fuzz-corpora/cms" ;;
    certificate_fuzzer)
      echo "$WORK/seeds/certificate"
      existing "$S/openssl-fuzz-corpora/x509" "$S/boringssl-fuzz/cert_corpus" \
        "$S/boringssl-fuzz/parse_certificate_fuzzer_corpus" ;;
    crl_fuzzer)
      echo "$WORK/seeds/crl"
      existing "$S/openssl-fuzz-corpora/crl" "$S"/boringssl-fuzz/crl_*_corpus ;;
    handler_fuzzer)
      echo "$WORK/seeds/handler" ;;
    rsa_ifma_fuzzer)
      echo "fuzz/regressions/rsa_ifma_fuzzer" ;;
    ocsp_fuzzer)
      # Responses signed by the fuzzer's own test CA (fuzz/ocsp_fuzzer.cc).
      echo "fuzz/seeds/ocsp_fuzzer"
      existing "$S"/boringssl-fuzz/ocsp_*_corpus ;;
  esac
}

passed=0 failed=0
for f in "${FUZZERS[@]}"; do
  mapfile -t dirs < <(seeds_for "$f")
  mkdir -p "$CORPUS/$f"
  # LeakSanitizer after every input that allocates more than it frees is what
  # makes OpenSSL-heavy seeds slow (caches fill); the certificate fuzzer's
  # ~1,600 seeds would use the whole short pass, so there it is on only in
  # long runs.
  leaks=1
  if [ "$f" = certificate_fuzzer ] && [ "$SECONDS_EACH" -lt 120 ]; then leaks=0; fi
  log="$WORK/$f.log"
  "$FUZZ_BIN/$f" -max_total_time="$SECONDS_EACH" -timeout=25 -rss_limit_mb=2048 \
    -detect_leaks=$leaks -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$f-" \
    "$CORPUS/$f" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -E '^#[0-9]+.*(DONE|INITED|NEW|REDUCE|pulse)' "$log" | tail -1 | grep -o 'cov: [0-9]*')
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz: $f ok: ${execs:-?} executions in ${SECONDS_EACH}s, ${cov:-cov: ?}"
  else
    failed=$((failed + 1))
    echo "fuzz: $f FAILED (exit $rc); artifact in $ARTIFACTS, log:"
    grep -v '^#[0-9]' "$log" | tail -60
  fi
done
echo "$passed $failed 0" >>"$TOTALS_FILE"
[ $failed -eq 0 ]
