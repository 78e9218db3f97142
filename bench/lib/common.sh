# Shared by bench/full-sync.sh, bench/replication-lag.sh and bench/bgsave-latency.sh (sourced, not run).
# Servers run on free loopback ports in a temp dir; every process started here is recorded and stopped by PID on exit.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="${JAR:-$ROOT/node-image/target/chorus-node.jar}"
OUT="${OUT:-$ROOT/docs/benchmarks.md}"
# The JVM flags of the node image (Jib jvmFlags in node-image/pom.xml) that matter on a machine without a container memory limit.
NODE_JAVA_OPTS="${NODE_JAVA_OPTS:--XX:+UseSerialGC -Xms16m}"
RESPTOOL="$ROOT/bench/lib/resptool.py"

WORK="$(mktemp -d /tmp/chorus-bench.XXXXXX)"
STARTED_PIDS=()
KEEP_WORK="${KEEP_WORK:-}"

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

stop_pid() { # stops one process this script started (TERM, then KILL after 10 s) and forgets its PID
    local pid=$1 kept=() p
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    # A stopped PID may be reused by an unrelated process: the exit trap must not signal it.
    for p in "${STARTED_PIDS[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
    STARTED_PIDS=("${kept[@]}")
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
    if [[ -n "$KEEP_WORK" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# A loopback port nobody listens on (bash's /dev/tcp connect fails) and that this script has not handed out yet,
# below the kernel's ephemeral range: a port some client connection uses as its local end passes the connect test
# but cannot be bound.
declare -A HANDED_OUT_PORTS
EPHEMERAL_LOW=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
(( EPHEMERAL_LOW > 11000 )) || EPHEMERAL_LOW=32768
free_port() {
    local p
    while true; do
        p=$(( 10000 + RANDOM % (EPHEMERAL_LOW - 10000) ))
        [[ -n "${HANDED_OUT_PORTS[$p]:-}" ]] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            HANDED_OUT_PORTS[$p]=1
            echo "$p"
            return
        fi
    done
}

wait_ready() { # port pid
    local port=$1 pid=$2
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || { log "server on $port exited"; exit 1; }
        [[ "$(redis-cli -p "$port" PING 2>/dev/null)" == "PONG" ]] && return 0
        sleep 0.1
    done
    log "server on $port not ready after 30 s"
    exit 1
}

# start_server KIND NAME PORT [extra server args...]: starts redis-server or the node (KIND = redis|node) in
# $WORK/NAME, sets SERVER_PID. The node's GC log goes to $WORK/NAME/gc.log.
start_server() {
    local kind=$1 name=$2 port=$3; shift 3
    local dir="$WORK/$name"
    rm -rf "$dir"; mkdir -p "$dir"
    if [[ $kind == redis ]]; then
        redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
            --logfile "$dir/server.log" "$@" &
    else
        # shellcheck disable=SC2086
        (cd "$dir" && exec java $NODE_JAVA_OPTS "-Xlog:gc:file=$dir/gc.log:utctime,uptime,level,tags" -jar "$JAR" --port "$port" \
            --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" "$@" >"$dir/server.log" 2>&1) &
    fi
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    wait_ready "$port" "$SERVER_PID"
}

load_keys() { # port keys
    local port=$1 n=$2
    if [[ ! -f "$WORK/keys-$n.resp" ]]; then
        awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$3\r\nxxx\r\n", i }' \
            >"$WORK/keys-$n.resp"
    fi
    timeout 600 redis-cli -p "$port" --pipe <"$WORK/keys-$n.resp" >/dev/null
    local got; got=$(redis-cli -p "$port" DBSIZE)
    [[ "$got" == "$n" ]] || { log "loaded $got keys into $port, expected $n"; exit 1; }
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

json_get() { # json path (dotted) -> value ("-" when absent, floats with 3 decimals)
    python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k) if v is not None else None
print("-" if v is None else (("%.3f" % v) if isinstance(v, float) else v))' "$1" "$2"
}

DECIMALS="${DECIMALS:-2}"
median() { # numbers... -> median (mean of the middle two for an even count); non-numbers ("fail", "-") are skipped
    printf '%s\n' "$@" | grep -E '^-?[0-9.]+$' | sort -g | awk -v d="$DECIMALS" '{ v[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        f = "%." d "f\n"
        if (NR % 2) printf f, v[(NR + 1) / 2]; else printf f, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

machine_line() { # the "Run ... on ..." paragraph shared by the sections
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') by \`$1\` on $(nproc) CPUs," \
        "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM" \
        "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')); client, probe and servers share these CPUs."
    echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p');" \
        "node: \`java $NODE_JAVA_OPTS -jar chorus-node.jar\` (plus \`-Xlog:gc:file=...\`) on $(java -version 2>&1 | head -1)," \
        "commit $(git -C "$ROOT" rev-parse --short HEAD)."
}

# write_section HEADING FILE: replaces the section "## HEADING" of $OUT (up to the next "## ") with FILE's text,
# appended at the end; other sections are kept as they are.
write_section() {
    local heading=$1 file=$2
    mkdir -p "$(dirname "$OUT")"
    if [[ -f "$OUT" ]]; then
        awk -v h="## $heading" '$0 == h {skip=1; next} /^## / {skip=0} !skip' "$OUT" >"$WORK/rest.md"
    else
        printf '# Benchmarks\n\n' >"$WORK/rest.md"
    fi
    # Exactly one blank line between the kept text and the new section.
    sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$WORK/rest.md" >"$WORK/rest-trimmed.md"
    { cat "$WORK/rest-trimmed.md"; echo; cat "$file"; } >"$OUT"
    log "wrote section '$heading' of $OUT"
}

ensure_jar() {
    if [[ ! -f "$JAR" ]]; then
        log "building $JAR"
        (cd "$ROOT" && mvn -q -o -pl node-image package -DskipTests)
    fi
}
