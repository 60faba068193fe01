#!/usr/bin/env bash
# Side by side, in one run, on the same events (Docs/PERFORMANCE.md, "Side by side"):
#   Rounds replaying its journal (chain verified, and checksums only),
#   SQLite bulk-inserting them in one transaction and then scanning them all,
#   Redis loading them from an append-only file of RPUSH commands,
#   and the floor: reading the journal file from the page cache.
# Usage: Benchmarks/compare.sh JOURNAL [WORKDIR]   (needs sqlite3, redis-server, python3)
# The events are the journal's own export (`rounds journal dump`, one JSON object per record),
# so every engine holds the same bytes per event. Prints one JSON object per line.
set -euo pipefail
journal=${1:?usage: compare.sh JOURNAL [WORKDIR]}
work=${2:-/tmp/rounds-bench/compare}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.build/release"
[ -x "$bin/rounds-bench" ] || (cd "$root" && swift build -c release --product rounds-bench >&2 && swift build -c release --product rounds >&2)
mkdir -p "$work"; chmod 700 "$work"
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }

records=$("$bin/rounds" journal verify "$journal" | sed -n 's/.*intact — \([0-9]*\) records.*/\1/p')

# Rounds: full replay from the top (no snapshot), verified and not; and the floor, the file
# read from the page cache into memory with no parsing (all best of three).
"$bin/rounds-bench" replay --journal "$journal" | grep -E 'replay-(verified|unverified)|page-cache-read' > "$work/rounds.json"
cat "$work/rounds.json"
rounds_s=$(python3 -c "import json; print([json.loads(l) for l in open('$work/rounds.json') if 'replay-verified' in l][0]['seconds'])")
floor=$(python3 -c "import json; print([json.loads(l) for l in open('$work/rounds.json') if 'page-cache-read' in l][0]['seconds'])")

# The same events as SQLite and Redis input.
if [ ! -s "$work/events.aof" ] || [ "$journal" -nt "$work/events.aof" ]; then
  "$bin/rounds" journal dump "$journal" > "$work/events.jsonl"
  python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
with open(f"{work}/events.jsonl", "rb") as src, open(f"{work}/events.ascii", "wb") as sq, open(f"{work}/events.aof", "wb") as aof:
    for line in src:
        body = line.rstrip(b"\n")
        sq.write(body + b"\x1e")
        aof.write(b"*3\r\n$5\r\nRPUSH\r\n$6\r\nevents\r\n$%d\r\n%s\r\n" % (len(body), body))
PY
fi
export_bytes=$(stat -c %s "$work/events.jsonl")

# SQLite: one table, one transaction for the bulk insert (.import), then a full scan.
rm -f "$work/events.db"
cat "$work/events.ascii" > /dev/null
t0=$(now)
sqlite3 "$work/events.db" "CREATE TABLE events(body TEXT NOT NULL);" ".mode ascii" ".separator "$'\x1f'" "$'\x1e' ".import $work/events.ascii events"
t1=$(now)
scan=$(sqlite3 "$work/events.db" "SELECT count(*) || ' ' || sum(length(body)) FROM events;")
t2=$(now)
echo "{\"engine\": \"sqlite3 $(sqlite3 --version | cut -d' ' -f1)\", \"records\": ${scan% *}, \"input_bytes\": $export_bytes, \"insert_seconds\": $(secs "$t0" "$t1"), \"scan_seconds\": $(secs "$t1" "$t2"), \"seconds\": $(secs "$t0" "$t2")}"
sqlite_s=$(secs "$t0" "$t2")

# Redis: load the append-only file at start-up; timed from launch until it answers PING.
rm -rf "$work/redis"; mkdir -p "$work/redis"; cp "$work/events.aof" "$work/redis/events.aof"
cat "$work/redis/events.aof" > /dev/null
sock="$work/redis.sock"
t0=$(now)
redis-server --port 0 --unixsocket "$sock" --dir "$work/redis" --appendonly yes --appendfilename events.aof \
  --save "" --logfile "$work/redis.log" --daemonize no &
pid=$!
until [ -S "$sock" ] && [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = "PONG" ]; do sleep 0.01; done
t1=$(now)
n=$(redis-cli -s "$sock" llen events)
redis-cli -s "$sock" shutdown nosave > /dev/null 2>&1 || kill $pid
wait $pid 2>/dev/null || true
loaded=$(sed -n 's/.*DB loaded from append only file: \([0-9.]*\) seconds.*/\1/p' "$work/redis.log" | tail -1)
echo "{\"engine\": \"redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/')\", \"records\": $n, \"aof_bytes\": $(stat -c %s "$work/events.aof"), \"load_seconds_logged\": ${loaded:-null}, \"seconds\": $(secs "$t0" "$t1")}"
redis_s=$(secs "$t0" "$t1")

python3 -c "
r=$rounds_s
print('{\"ratios_vs_rounds_verified_replay\": {\"page_cache_floor\": %.3f, \"sqlite\": %.2f, \"redis\": %.2f}}' % ($floor / r, $sqlite_s / r, $redis_s / r))"
