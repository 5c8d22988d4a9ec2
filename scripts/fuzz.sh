#!/usr/bin/env bash
# Builds the fuzz targets (clang, libFuzzer, AddressSanitizer + UndefinedBehaviorSanitizer) in
# build-fuzz/ and runs each on a working copy of its checked-in seed corpus (fuzz/corpus/<target>;
# the OpenAI vocabulary's seed is resources/clip). A crash, a leak, a timeout (10 s per input) or an
# exception other than InputError stops that target and fails the script; its input is kept in
# build-fuzz/findings/. Prints executions and seconds per target and writes build-fuzz/fuzz-summary.md.
#
# usage: scripts/fuzz.sh [--time SECONDS] [--runs N] [--seed S] [TARGET ...]   (the first limit reached
#        ends a target; a fixed seed repeats the same inputs; default: --time 60, all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
limit=()
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) limit+=(-max_total_time="$2"); shift 2 ;;
    --runs) limit+=(-runs="$2"); shift 2 ;;
    --seed) limit+=(-seed="$2"); shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ " ${limit[*]-} " != *max_total_time* && " ${limit[*]-} " != *-runs=* ]] && limit+=(-max_total_time=60)
[ ${#targets[@]} -eq 0 ] && targets=(safetensors field_json model_configs tokenizer_files openai_vocabulary prompt image cli_values)

mkdir -p build-fuzz
if ! { cmake -S . -B build-fuzz -G Ninja -DGEODESIC_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build build-fuzz; } >build-fuzz/build.log 2>&1; then
  tail -40 build-fuzz/build.log
  echo "fuzz: the build failed (build-fuzz/build.log)" >&2
  exit 1
fi

mkdir -p build-fuzz/findings build-fuzz/logs
summary=${FUZZ_SUMMARY:-build-fuzz/fuzz-summary.md}
{
  echo "| target | executions | seconds | executions/s | corpus | result |"
  echo "|---|---|---|---|---|---|"
} > "$summary"
failed=0
for t in "${targets[@]}"; do
  work=build-fuzz/corpus/$t
  rm -rf "$work" && mkdir -p "$work"
  seeds=(fuzz/corpus/$t)
  [ "$t" = openai_vocabulary ] && seeds=(resources/clip)
  extra=()
  case "$t" in
    openai_vocabulary) extra=(-max_len=2000000) ;;
    tokenizer_files) extra=(-max_len=65536) ;;
    *) extra=(-max_len=16384) ;;
  esac
  log=build-fuzz/logs/$t.log
  set +e
  OMP_WAIT_POLICY=PASSIVE ./build-fuzz/fuzz/fuzz_$t "$work" "${seeds[@]}" "${limit[@]}" "${extra[@]}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix=build-fuzz/findings/$t- >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)
  [ -z "$secs" ] && secs=$(grep -o 'stat::slowest_unit_time_sec' "$log" >/dev/null && echo "?" || echo "?")
  size=$(ls "$work" | wc -l)
  if [ $rc -eq 0 ]; then result="0 crashes, leaks, timeouts"; else result="FAILED (exit $rc, see $log)"; failed=1; fi
  rate=$([ "$secs" != "?" ] && [ "$secs" -gt 0 ] && echo $((runs / secs)) || echo "–")
  printf '%-18s %10s executions in %4s s  %s\n' "$t" "$runs" "$secs" "$result"
  echo "| $t | $runs | $secs | $rate | $size | $result |" >> "$summary"
done
echo "summary: $summary"
exit $failed
