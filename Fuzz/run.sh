#!/usr/bin/env bash
# Fuzzing Rounds' readers with libFuzzer, outside the SwiftPM build (Docs/FUZZING.md).
#
#   Fuzz/run.sh TARGET SECONDS [libFuzzer flags…]   fuzz one target for SECONDS (one process, one core)
#   Fuzz/run.sh --smoke [SECONDS]                   every target for SECONDS (default 6) on its committed
#                                                   corpus only; fails on any crash, hang or leak (CI)
#   Fuzz/run.sh --build [TARGET…]                   compile only
#   Fuzz/run.sh --list                              the targets
#
# Each target is Fuzz/TARGET/main.swift (exposing LLVMFuzzerTestOneInput), with its seed corpus in
# Fuzz/TARGET/corpus/ and, where it helps, a dictionary in Fuzz/TARGET/dict. The module sources a
# target needs are compiled with `swiftc -O -sanitize=fuzzer,address` into Fuzz/.build/O/ (-Onone
# into Fuzz/.build/Onone/ for --smoke; kept between runs, rebuilt when a source changes). New inputs a run finds go to Fuzz/.work/TARGET/corpus,
# crashing inputs to Fuzz/.crashes/TARGET/; both are ignored by git. A crash makes the run fail.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/Fuzz"
SWIFTC="${SWIFTC:-swiftc}"
TOOLCHAIN="$(dirname "$(readlink -f "$(command -v "$SWIFTC")")")"
CLANG="${CLANG:-$TOOLCHAIN/clang}"
SANITIZE=(-sanitize=fuzzer,address)
# -O for fuzzing. The smoke run, mostly compiling, builds with -Onone: it compiles in a third of
# the time and fuzzes at about half the speed. FUZZ_OPT overrides; each has its own directory.
if [ "${1:-}" = --smoke ]; then OPT="${FUZZ_OPT:--Onone}"; else OPT="${FUZZ_OPT:--O}"; fi
BUILD="$FUZZ/.build/${OPT#-}"
SWIFTFLAGS=("$OPT" -gline-tables-only -parse-as-library -swift-version 6 -enable-testing -warnings-as-errors "${SANITIZE[@]}")
CFLAGS=(-O2 -gline-tables-only -fsanitize=fuzzer-no-link,address)

TARGETS=(parser event csv snapshot journal theme config hl7 mllp hl7map)

# What each target links: modules, then sources compiled into the harness's own module.
modules_of() {
  case "$1" in
    parser|event|csv) echo "RoundsDomain" ;;
    snapshot|journal) echo "RoundsDomain CJournal RoundsJournal" ;;
    config) echo "RoundsDomain" ;;
    theme) echo "" ;;
    hl7|mllp) echo "HL7v2" ;;
    hl7map) echo "HL7v2 RoundsDomain RoundsHL7" ;;
    *) echo "unknown target '$1'; targets: ${TARGETS[*]}" >&2; exit 2 ;;
  esac
}
extra_sources_of() {
  case "$1" in
    theme) echo "$ROOT/Sources/RoundsUI/StyleSlot.swift $ROOT/Sources/RoundsUI/Theme.swift" ;;
    config) echo "$ROOT/Sources/rounds/Config.swift" ;;
    *) echo "" ;;
  esac
}

# Rebuilds $1 when the stamp of its inputs ($2, a string) differs from the last build's.
stale() { [ ! -f "$1.stamp" ] || [ "$(cat "$1.stamp")" != "$2" ]; }
stamp_of() { { echo "${SWIFTFLAGS[*]} ${CFLAGS[*]}"; "$SWIFTC" --version 2>&1 | head -1; cat "$@"; } | sha1sum | cut -d' ' -f1; }

build_module() {
  local name="$1" srcs stamp
  mkdir -p "$BUILD"
  if [ "$name" = CJournal ]; then
    srcs=("$ROOT"/Sources/CJournal/*.c "$ROOT"/Sources/CJournal/include/*.h "$FUZZ/Support/sha256.c")
    stamp="$(stamp_of "${srcs[@]}")"
    stale "$BUILD/CJournal" "$stamp" || return 0
    echo "fuzz: compiling CJournal (C; SHA-256 from Fuzz/Support/sha256.c instead of BoringSSL)" >&2
    mkdir -p "$BUILD/CJournal"
    printf 'module CJournal {\n  header "%s"\n  export *\n}\n' "$ROOT/Sources/CJournal/include/cjournal.h" > "$BUILD/CJournal/module.modulemap"
    for c in "$ROOT"/Sources/CJournal/*.c; do
      "$CLANG" "${CFLAGS[@]}" -I "$ROOT/Sources/CJournal/include" -c "$c" -o "$BUILD/CJournal/$(basename "$c" .c).o"
    done
    "$CLANG" -O2 -DSHA256_SELF_TEST "$FUZZ/Support/sha256.c" -o "$BUILD/CJournal/sha256-self-test"
    "$BUILD/CJournal/sha256-self-test" || { echo "fuzz: Fuzz/Support/sha256.c fails its self-test" >&2; exit 1; }
    "$CLANG" -O2 -c "$FUZZ/Support/sha256.c" -o "$BUILD/CJournal/sha256.o"
    echo "$stamp" > "$BUILD/CJournal.stamp"
    return 0
  fi
  # Every source of the module, in its area folders too (Sources/RoundsDomain/Beds/…), in a fixed order.
  mapfile -t srcs < <(find "$ROOT/Sources/$name" -name '*.swift' | LC_ALL=C sort)
  stamp="$(stamp_of "${srcs[@]}" $( [ "$name" = RoundsJournal ] && echo "$BUILD/RoundsDomain.stamp $BUILD/CJournal.stamp" ) $( [ "$name" = RoundsHL7 ] && echo "$BUILD/RoundsDomain.stamp $BUILD/HL7v2.stamp" ))"
  stale "$BUILD/$name" "$stamp" || return 0
  echo "fuzz: compiling $name (${#srcs[@]} files)" >&2
  (cd "$BUILD" && "$SWIFTC" "${SWIFTFLAGS[@]}" -I "$BUILD" -I "$BUILD/CJournal" -module-name "$name" -wmo -c "${srcs[@]}" \
     -emit-module -emit-module-path "$BUILD/$name.swiftmodule" -o "$BUILD/$name.o")
  echo "$stamp" > "$BUILD/$name.stamp"
}

build_target() {
  local t="$1" mods objs=() extra stamp
  mods="$(modules_of "$t")"
  for m in $mods; do
    build_module "$m"
    if [ "$m" = CJournal ]; then objs+=("$BUILD"/CJournal/*.o); else objs+=("$BUILD/$m.o"); fi
  done
  extra="$(extra_sources_of "$t")"
  stamp="$(stamp_of "$FUZZ/$t/main.swift" $extra $(for m in $mods; do echo "$BUILD/$m.stamp"; done))"
  stale "$BUILD/fuzz-$t" "$stamp" || return 0
  echo "fuzz: linking fuzz-$t" >&2
  (cd "$BUILD" && "$SWIFTC" "${SWIFTFLAGS[@]}" -I "$BUILD" -I "$BUILD/CJournal" -module-name "Fuzz_$t" \
     "$FUZZ/$t/main.swift" $extra "${objs[@]}" -use-ld=lld -o "$BUILD/fuzz-$t")
  echo "$stamp" > "$BUILD/fuzz-$t.stamp"
}

# Prints the run's final statistics from libFuzzer's log $2 for target $1.
summary() {
  local t="$1" log="$2" last runs eps
  last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  eps="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  printf 'fuzz: %-8s inputs %s, %s exec/s, %s %s (%s)\n' "$t" "${runs:-?}" "${eps:-?}" \
    "$(grep -oE 'cov: [0-9]+' <<<"$last" || echo 'cov: ?')" "$(grep -oE 'ft: [0-9]+' <<<"$last" || echo 'ft: ?')" \
    "$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" || echo 'corp: ?')"
}

# Runs target $1 for $2 seconds; the remaining arguments go to libFuzzer. $SMOKE=1: committed corpus only.
run_target() {
  local t="$1" seconds="$2"; shift 2
  local work="$FUZZ/.work/$t" crashes="$FUZZ/.crashes/$t" bin="$BUILD/fuzz-$t" status=0
  mkdir -p "$work/corpus" "$crashes"
  local corpus=("$work/corpus" "$FUZZ/$t/corpus")
  if [ "${SMOKE:-0}" = 1 ]; then rm -rf "$work/smoke"; mkdir -p "$work/smoke"; corpus=("$work/smoke" "$FUZZ/$t/corpus"); fi
  local dict=(); [ -f "$FUZZ/$t/dict" ] && dict=(-dict="$FUZZ/$t/dict")
  local log="$work/last.log"
  # Swift's own backtracer would catch a trap before libFuzzer does; let libFuzzer report it.
  SWIFT_BACKTRACE=enable=no ROUNDS_FUZZ_SCRATCH="$work" "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "${dict[@]}" "$@" "${corpus[@]}" >"$log" 2>&1 || status=$?
  rm -f "$work"/journal-*.rj
  summary "$t" "$log"
  if [ "$status" != 0 ]; then
    echo "fuzz: $t FAILED (exit $status); the input is in $crashes/ — the report:" >&2
    grep -E -A4 'ERROR|Swift runtime failure|Fatal error|Test unit written' "$log" | grep -v 'PrintStackTrace\|CrashCallback\|libc.so' | head -30 | cut -c1-300 >&2
    return 1
  fi
}

case "${1:-}" in
  --list) printf '%s\n' "${TARGETS[@]}" ;;
  --build) shift; for t in "${@:-${TARGETS[@]}}"; do build_target "$t"; done ;;
  --smoke)
    seconds="${2:-6}" failed=0 started=$SECONDS
    for t in "${TARGETS[@]}"; do build_target "$t"; done
    for t in "${TARGETS[@]}"; do SMOKE=1 run_target "$t" "$seconds" || failed=1; done
    echo "fuzz: smoke run of ${#TARGETS[@]} targets took $((SECONDS - started)) s"
    exit "$failed" ;;
  ""|-h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  *)
    t="$1" seconds="${2:?usage: Fuzz/run.sh TARGET SECONDS [libFuzzer flags…]}"; shift 2
    modules_of "$t" >/dev/null
    build_target "$t"
    run_target "$t" "$seconds" "$@" ;;
esac
