#!/usr/bin/env bash
# Builds the project under sanitizers (GCC) and runs tests there.
#   scripts/sanitize.sh address [REGEX]   AddressSanitizer + UndefinedBehaviorSanitizer, build-asan/,
#                                         every CTest suite (or those matching REGEX)
#   scripts/sanitize.sh core              AddressSanitizer + UndefinedBehaviorSanitizer, build-asan-core/,
#                                         the suites of the torch-free library only (what CI runs: a
#                                         fraction of the full build's half hour on two cores)
#   scripts/sanitize.sh thread [REGEX]    ThreadSanitizer, build-tsan/, the suites whose work crosses
#                                         threads: the GUI's workers and the model service
#   scripts/sanitize.sh canary            ThreadSanitizer, build-tsan/, only the check that a race of
#                                         ours is reported despite the suppressions (what CI runs)
# Suppressions (scripts/sanitizers/) cover only libraries we do not build (LibTorch, Qt, fonts);
# each says why. A report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-}
here=$PWD/scripts/sanitizers
core_suites=(test_fields test_density_bvp test_density_ivp test_latent_bvp test_schedule test_frechet_distance test_spacetime
             test_transition_paths test_scenes test_sequence_analysis test_safetensors test_clip_tokenizer)
case "$kind" in
  address|core)
    dir=build-asan
    flags=address,undefined
    regex=${2:-.}
    targets=()  # everything
    if [ "$kind" = core ]; then
      dir=build-asan-core
      targets=("${core_suites[@]}")
      regex="^($(IFS='|'; echo "${core_suites[*]}"))\$"
    fi
    # container-overflow: LibTorch and Qt are not instrumented, so std::vector annotations disagree
    # across the boundary. LeakSanitizer: see lsan.supp.
    export ASAN_OPTIONS="detect_container_overflow=0:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0:${ASAN_OPTIONS:-}"
    export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$here/ubsan.supp:${UBSAN_OPTIONS:-}"
    ;;
  thread|canary)
    dir=build-tsan
    flags=thread
    regex=${2:-^test_(model_panel|image_mode|video_mode|toy_window)$}
    targets=(test_model_panel test_image_mode test_video_mode test_toy_window geodesic-cli tsan-canary)
    [ "$kind" = canary ] && targets=(tsan-canary)
    # LibTorch's OpenMP pool (libgomp) is not instrumented: its barriers look like races. One
    # intra-op thread keeps every report about our own threads (GUI, workers, model service).
    export OMP_NUM_THREADS=1
    # die_after_fork=0: QProcess starts the CLI from a child that shares the test's memory (vfork
    # semantics), so TSan's "forked child" flag lands in the test itself, and the next thread the
    # test started ended the run ("starting new threads after multi-threaded fork").
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$here/tsan.supp:${TSAN_OPTIONS:-}"
    ;;
  *)
    echo "usage: scripts/sanitize.sh address|core|thread|canary [CTEST_REGEX]" >&2
    exit 2
    ;;
esac

cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGEODESIC_SANITIZE="$flags" >/dev/null
start=$(date +%s)
cmake --build "$dir" --parallel "$(nproc)" ${targets[@]:+--target "${targets[@]}"}
echo "sanitize $kind: built in $(( $(date +%s) - start )) s"
cd "$dir"
if [ "$kind" = thread ] || [ "$kind" = canary ]; then
  # The annotations and suppressions must not hide a race of ours (tests/tsan_canary.cpp).
  for mode in handed-over racing-queued racing-timer; do
    set +e
    out=$(./tests/tsan-canary "$mode" 2>&1)
    status=$?
    set -e
    if [ "$mode" = handed-over ]; then
      [ $status -eq 0 ] || { echo "$out"; echo "sanitize thread: the canary reported a value handed over by queueOn"; exit 1; }
    elif [ $status -eq 0 ] || ! grep -q "data race" <<<"$out" || ! grep -q "tsan_canary.cpp" <<<"$out"; then
      echo "$out"; echo "sanitize thread: the canary's race ($mode) was not reported"; exit 1
    fi
  done
  echo "sanitize thread: the canary's races are reported, its hand-off is not"
fi
[ "$kind" = canary ] && exit 0
start=$(date +%s)
ctest --output-on-failure --parallel 2 --timeout 1800 -R "$regex"
echo "sanitize $kind: tests passed in $(( $(date +%s) - start )) s"
