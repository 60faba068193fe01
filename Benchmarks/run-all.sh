#!/usr/bin/env bash
# Every benchmark of Docs/PERFORMANCE.md in one run, on release builds, one JSON object per line.
# Usage: Benchmarks/run-all.sh [DIR]
#   DIR holds the benchmark journals (default /tmp/rounds-bench, made mode 0700: Rounds refuses a
#   directory every user can enter). Journals missing from it are written first, deterministically:
#   the year (1,000 beds, 365 days, about 3.75 M records, 70-90 s), about 1 M records (97 days), a
#   copy of the year with its snapshot 20,000 records behind, and a 200-bed hospital for the terminal.
#   Needs sqlite3, redis-server and python3 for the side-by-side part (Benchmarks/compare.sh).
# Takes about 5 minutes once the journals exist. Run it on an otherwise idle machine: the figures
# spread by 10-20% from run to run on a 2-core VM; compare builds by running them alternately.
set -euo pipefail
dir=${1:-/tmp/rounds-bench}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.build/release"
(cd "$root" && swift build -c release >&2)
mkdir -p "$dir"; chmod 700 "$dir"
at="2026-11-22 07:00"
year="$dir/year.rj" m1="$dir/m1.rj" tail="$dir/tail.rj" term="$dir/term200.rj"
[ -s "$year" ] || "$bin/rounds" demo --journal "$year" --beds 1000 --days 365 --at "$at" --quiet
[ -s "$m1" ] || "$bin/rounds" demo --journal "$m1" --beds 1000 --days 97 --at "$at" --quiet
[ -s "$tail" ] || "$bin/rounds-bench" snapshot-tail --journal "$year" --tail 20000 --out "$tail"
[ -s "$term" ] || "$bin/rounds" demo --journal "$term" --beds 200 --at "$at" --quiet

b() { "$bin/rounds-bench" "$@" --dir "$dir"; }
# Replay with and without chain verification, decoding alone and the page-cache floor.
b replay --journal "$year"
b replay --journal "$m1"
# Cold start to first frame and peak memory: from the snapshot, with 20,000 records behind
# it, and replaying the whole journal; at 1 M and 3.75 M records.
b coldstart --journal "$year"
b coldstart --journal "$tail"
b coldstart --journal "$year" --no-snapshot
b coldstart --journal "$m1"
b coldstart --journal "$m1" --no-snapshot
# One command, durable and not; group commit with 4 writer processes.
b durable
b groupcommit --writers 4 --count 5000
# Keystroke to frame at scale (1,000 beds, 20,000 open tasks, 200,000 messages).
b keystroke
# Bytes to a pseudo-terminal: idle for a minute, and one change.
b terminal --journal "$term" --seconds 60
# Side by side with SQLite, Redis and the page cache, same events.
"$root/Benchmarks/compare.sh" "$year" "$dir/compare"
