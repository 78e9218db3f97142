#!/usr/bin/env bash
# redis-benchmark against a real redis-server and the Chorus node, side by side on free loopback ports.
# Writes the section "redis-benchmark, node vs Redis" of docs/benchmarks.md (other sections are kept).
#
#   bench/redis-benchmark.sh            # uses node-image/target/chorus-node.jar (built if missing)
#   N_P1=100000 N_P16=500000 bench/redis-benchmark.sh
#
# A benchmark, not a test: CI does not run it. Every process it starts is stopped by PID on exit; every
# redis-benchmark run is bounded by `timeout`.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="${JAR:-$ROOT/node-image/target/chorus-node.jar}"
OUT="${OUT:-$ROOT/docs/benchmarks.md}"
N_P1="${N_P1:-200000}"            # requests per test at -P 1
N_P16="${N_P16:-1000000}"         # requests per test at -P 16
N_WARMUP="${N_WARMUP:-200000}"    # JVM warm-up pass (node only), per test
KEYS_FOR_RSS="${KEYS_FOR_RSS:-1000000}"
REPEAT="${REPEAT:-5}"              # runs per server and pipeline, alternating; the median run counts
NODE_JAVA_OPTS="${NODE_JAVA_OPTS:-}" # empty = plain `java -jar`, as deployed
# Flags tried for memory on fresh processes, beside plain `java -jar`.
SUGGESTED_NODE_FLAGS="${SUGGESTED_NODE_FLAGS:--XX:+UseSerialGC -Xms16m -Xmx512m}"
CLIENTS=50
RUN_TIMEOUT=600
WANTED_TESTS="set,get,incr,lpush,lpop,sadd,hset,zadd,mset"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
WORK="$(mktemp -d /tmp/chorus-bench.XXXXXX)"
REDIS_PID=""
NODE_PID=""
FRESH_PID=""

cleanup() {
    for pid in "$REDIS_PID" "$NODE_PID" "$FRESH_PID"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

# A loopback port nobody listens on (bash's /dev/tcp connect fails).
free_port() {
    local p
    while true; do
        p=$(( 20000 + RANDOM % 30000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

wait_ready() {
    local port=$1 pid=$2
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || { log "server on $port exited"; exit 1; }
        [[ "$(redis-cli -p "$port" PING 2>/dev/null)" == "PONG" ]] && return 0
        sleep 0.1
    done
    log "server on $port not ready after 30 s"
    exit 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

if [[ ! -f "$JAR" ]]; then
    log "building $JAR"
    (cd "$ROOT" && mvn -q -pl node-image package -DskipTests)
fi

REDIS_PORT=$(free_port)
NODE_PORT=$(free_port)
while [[ "$NODE_PORT" == "$REDIS_PORT" ]]; do NODE_PORT=$(free_port); done
mkdir -p "$WORK/redis" "$WORK/node"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/redis" \
    --logfile "$WORK/redis/redis.log" &
REDIS_PID=$!
(cd "$WORK/node" && exec java $NODE_JAVA_OPTS -jar "$JAR" --port "$NODE_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$WORK/node" >"$WORK/node/stdout.log" 2>&1) &
NODE_PID=$!
wait_ready "$REDIS_PORT" "$REDIS_PID"
wait_ready "$NODE_PORT" "$NODE_PID"
log "redis-server pid $REDIS_PID port $REDIS_PORT; node pid $NODE_PID port $NODE_PORT"

# Families the node does not have yet are left out for both servers (and named in the report).
TESTS=""
MISSING=""
for t in ${WANTED_TESTS//,/ }; do
    if [[ -n "$(redis-cli -p "$NODE_PORT" COMMAND INFO "$t" | tr -d '\n')" ]]; then
        TESTS="${TESTS:+$TESTS,}$t"
    else
        MISSING="${MISSING:+$MISSING, }$t"
    fi
done
log "tests: $TESTS${MISSING:+ (not in the node yet: $MISSING)}"

bench() { # port pipeline requests -> CSV lines "TEST,rps"
    local port=$1 pipeline=$2 n=$3
    timeout "$RUN_TIMEOUT" redis-benchmark -h 127.0.0.1 -p "$port" -c "$CLIENTS" -n "$n" -P "$pipeline" \
        -t "$TESTS" --csv | tail -n +2 | tr -d '"' | awk -F, '{print $1 "," $2}'
}

log "warm-up: node, -P 1 and -P 16, $N_WARMUP requests per test"
bench "$NODE_PORT" 1 "$N_WARMUP" >/dev/null
bench "$NODE_PORT" 16 "$N_WARMUP" >/dev/null
redis-cli -p "$NODE_PORT" FLUSHALL >/dev/null

# The machine is shared: runs alternate between the servers and the median of REPEAT runs counts, so a burst of
# someone else's load does not decide a row. The 1-minute load average is recorded before each run.
declare -A RUNS
LOADS=()
for round in $(seq 1 "$REPEAT"); do
    for p in 1 16; do
        n=$N_P1; [[ $p == 16 ]] && n=$N_P16
        for who in redis node; do
            port=$REDIS_PORT; [[ $who == node ]] && port=$NODE_PORT
            redis-cli -p "$port" FLUSHALL >/dev/null
            load1=$(cut -d' ' -f1 /proc/loadavg)
            LOADS+=("$load1")
            log "round $round: $who -P $p -n $n (load $load1)"
            while IFS=, read -r test rps; do
                key="$who,$p,$test"
                RUNS[$key]="${RUNS[$key]:+${RUNS[$key]} }$rps"
            done < <(bench "$port" "$p" "$n")
        done
    done
done
median() { tr ' ' '\n' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A RPS
for key in "${!RUNS[@]}"; do
    RPS[$key]=$(echo "${RUNS[$key]}" | median)
done
LOAD_RANGE=$(printf '%s\n' "${LOADS[@]}" | sort -g | sed -n '1p;$p' | paste -sd- -)
# Keep redis-benchmark's own order of tests.
ORDER=()
for t in ${TESTS//,/ }; do
    case $t in
        mset) ORDER+=("MSET (10 keys)") ;;
        *) ORDER+=("$(echo "$t" | tr a-z A-Z)") ;;
    esac
done

# Memory: the same KEYS_FOR_RSS distinct small keys (3-byte values) loaded into both with redis-cli --pipe.
log "memory: $KEYS_FOR_RSS keys"
awk -v n="$KEYS_FOR_RSS" 'BEGIN { for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxxx\r\n", i }' \
    >"$WORK/keys.resp"
declare -A RSS_EMPTY RSS_FULL DBSIZE
for who in redis node; do
    port=$REDIS_PORT; pid=$REDIS_PID
    [[ $who == node ]] && { port=$NODE_PORT; pid=$NODE_PID; }
    redis-cli -p "$port" FLUSHALL >/dev/null
    RSS_EMPTY[$who]=$(rss_kb "$pid")
    timeout "$RUN_TIMEOUT" redis-cli -p "$port" --pipe <"$WORK/keys.resp" >"$WORK/$who-pipe.log"
    DBSIZE[$who]=$(redis-cli -p "$port" DBSIZE)
    RSS_FULL[$who]=$(rss_kb "$pid")
done

# The same load into fresh processes: the servers above carry the benchmark's history (a JVM keeps the heap it grew).
fresh_rss() { # label, then the server command (port appended) -> "label|rss empty|rss loaded|dbsize"
    local label=$1; shift
    local port; port=$(free_port)
    mkdir -p "$WORK/fresh"
    (cd "$WORK/fresh" && exec "$@" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/fresh" \
        >"$WORK/fresh/stdout.log" 2>&1) &
    FRESH_PID=$!
    wait_ready "$port" "$FRESH_PID"
    local empty; empty=$(rss_kb "$FRESH_PID")
    timeout "$RUN_TIMEOUT" redis-cli -p "$port" --pipe <"$WORK/keys.resp" >/dev/null
    echo "$label|$empty|$(rss_kb "$FRESH_PID")|$(redis-cli -p "$port" DBSIZE)"
    kill "$FRESH_PID"
    wait "$FRESH_PID" 2>/dev/null || true
    FRESH_PID=""
}
FRESH_ROWS=()
FRESH_ROWS+=("$(fresh_rss "redis-server" redis-server)")
FRESH_ROWS+=("$(fresh_rss "node, java -jar" java -jar "$JAR")")
# shellcheck disable=SC2086
FRESH_ROWS+=("$(fresh_rss "node, java $SUGGESTED_NODE_FLAGS -jar" java $SUGGESTED_NODE_FLAGS -jar "$JAR")")

NODE_USED_MEMORY=$(redis-cli -p "$NODE_PORT" INFO memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
REDIS_USED_MEMORY=$(redis-cli -p "$REDIS_PORT" INFO memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')

# ---- report ----
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

SECTION="$WORK/section.md"
{
    echo "## redis-benchmark, node vs Redis"
    echo
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/redis-benchmark.sh\` on $(nproc) CPUs," \
        "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM" \
        "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average before the run: $LOAD_BEFORE."
    echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), redis-benchmark from the same package;" \
        "node: \`java ${NODE_JAVA_OPTS:+$NODE_JAVA_OPTS }-jar chorus-node.jar\`${NODE_JAVA_OPTS:- (no JVM flags)} on $(java -version 2>&1 | head -1), commit $(git -C "$ROOT" rev-parse --short HEAD)."
    echo "Client and servers share the same $(nproc) CPUs, so absolute numbers are low and noisy; the ratio is what matters."
    [[ -n "$MISSING" ]] && echo "Not measured (the node does not have them yet): $MISSING."
    echo
    echo "Reproduce: \`bench/redis-benchmark.sh\`; each measurement is"
    echo "\`redis-benchmark -h 127.0.0.1 -p PORT -c $CLIENTS -n N -P P -t $TESTS --csv\`"
    echo "with N = $N_P1 at -P 1 and $N_P16 at -P 16, after a warm-up pass of the node ($N_WARMUP requests per test at -P 1 and -P 16),"
    echo "and a FLUSHALL before each run; median of $REPEAT alternating runs per cell (1-minute load average before the runs: $LOAD_RANGE)."
    echo "Targets: node/Redis ≥ 0.9 at -P 1, ≥ 1.0 at -P 16."
    echo
    echo "| test | Redis -P 1 | node -P 1 | node/Redis | Redis -P 16 | node -P 16 | node/Redis |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for t in "${ORDER[@]}"; do
        r1=${RPS["redis,1,$t"]:-0}; n1=${RPS["node,1,$t"]:-0}
        r16=${RPS["redis,16,$t"]:-0}; n16=${RPS["node,16,$t"]:-0}
        printf '| %s | %.0f | %.0f | %s | %.0f | %.0f | %s |\n' "$t" "$r1" "$n1" "$(ratio "$n1" "$r1")" \
            "$r16" "$n16" "$(ratio "$n16" "$r16")"
    done
    echo
    echo "<details><summary>All runs (requests per second, in run order)</summary>"
    echo
    echo "| test | pipeline | Redis runs | node runs |"
    echo "|---|---:|---|---|"
    for p in 1 16; do
        for t in "${ORDER[@]}"; do
            printf '| %s | %s | %s | %s |\n' "$t" "$p" "$(echo "${RUNS["redis,$p,$t"]:-}" | awk '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i }')" \
                "$(echo "${RUNS["node,$p,$t"]:-}" | awk '{ for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i }')"
        done
    done
    echo
    echo "</details>"
    echo
    echo "Memory for $KEYS_FOR_RSS keys \`key:NNNNNNNNNNNN\` = \`xxx\` (loaded with \`redis-cli --pipe\`), RSS from /proc/PID/status:"
    echo
    echo "| | keys | RSS empty (MiB) | RSS loaded (MiB) | used_memory (MiB) |"
    echo "|---|---:|---:|---:|---:|"
    for who in redis node; do
        um=$REDIS_USED_MEMORY; [[ $who == node ]] && um=$NODE_USED_MEMORY
        printf '| %s | %s | %s | %s | %s |\n' "$who" "${DBSIZE[$who]}" "$(mib "${RSS_EMPTY[$who]}")" \
            "$(mib "${RSS_FULL[$who]}")" "$(mib "$((um / 1024))")"
    done
    echo
    echo "RSS node/Redis when loaded, after the benchmark: $(ratio "${RSS_FULL[node]}" "${RSS_FULL[redis]}") (target ≤ 2)."
    echo
    echo "The same load into fresh processes (no benchmark before it):"
    echo
    echo "| | keys | RSS empty (MiB) | RSS loaded (MiB) | loaded RSS / Redis' |"
    echo "|---|---:|---:|---:|---:|"
    redis_fresh=$(echo "${FRESH_ROWS[0]}" | cut -d'|' -f3)
    for row in "${FRESH_ROWS[@]}"; do
        IFS='|' read -r label empty full keys <<<"$row"
        printf '| %s | %s | %s | %s | %s |\n' "$label" "$keys" "$(mib "$empty")" "$(mib "$full")" "$(ratio "$full" "$redis_fresh")"
    done
    echo
} >"$SECTION"

mkdir -p "$(dirname "$OUT")"
if [[ -f "$OUT" ]]; then
    # Drop the old section (up to the next "## " heading) and append the new one.
    awk '/^## redis-benchmark, node vs Redis$/ {skip=1; next} /^## / {skip=0} !skip' "$OUT" >"$WORK/rest.md"
else
    printf '# Benchmarks\n\n' >"$WORK/rest.md"
fi
cat "$WORK/rest.md" "$SECTION" >"$OUT"
cat "$SECTION"
log "wrote $OUT"
