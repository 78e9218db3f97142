#!/usr/bin/env bash
# Latency while BGSAVE writes KEYS keys, Redis vs the node. Writes the section "BGSAVE latency, node vs Redis" of
# docs/benchmarks.md (other sections are kept).
#
#   bench/bgsave-latency.sh             # 1000000 keys, 3 runs per kind
#   KEYS=200000 RUNS=1 bench/bgsave-latency.sh
#
# Per run, against one server: `redis-benchmark -t get -c 10 -r KEYS` runs in the background; bench/lib/resptool.py
# probes PING round trips every ~1 ms on its own connection: BASELINE s without BGSAVE, then BGSAVE (sent on a second
# connection) and the window until INFO persistence says rdb_bgsave_in_progress:0, then 1 s more. The probe's
# percentiles without and during BGSAVE are compared. A benchmark, not a test: CI does not run it. Every process is
# stopped by PID; every wait is bounded.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

KEYS="${KEYS:-1000000}"
RUNS="${RUNS:-3}"
BASELINE="${BASELINE:-5}"
CLIENTS=10
HEADING="BGSAVE latency, node vs Redis"

ensure_jar
LOAD_START="$(loadavg)"

declare -A PORT PID
for kind in redis node; do
    PORT[$kind]=$(free_port)
    start_server "$kind" "$kind" "${PORT[$kind]}"
    PID[$kind]=$SERVER_PID
    log "$kind pid ${PID[$kind]} port ${PORT[$kind]}: loading $KEYS keys"
    load_keys "${PORT[$kind]}" "$KEYS"
done

start_get_load() { # port -> LOAD_PID. With -r, key:__rand_int__ becomes key:NNNNNNNNNNNN: every GET hits a loaded key
    timeout 900 redis-benchmark -h 127.0.0.1 -p "$1" -t get -c "$CLIENTS" -n 2000000000 -r "$KEYS" -q >/dev/null 2>&1 &
    LOAD_PID=$!
    STARTED_PIDS+=("$LOAD_PID")
}

# Warm-up (not measured): the GET load and a BGSAVE once per kind, so the node's JIT has compiled the save path.
for kind in redis node; do
    log "warm-up $kind"
    start_get_load "${PORT[$kind]}"
    timeout 300 python3 "$RESPTOOL" probe --port "${PORT[$kind]}" --baseline 1 --bgsave --after 0.5 >/dev/null
    stop_pid "$LOAD_PID"
done

RESULTS="$WORK/results.txt" # kind run base_p50 base_p99 base_max bg_p50 bg_p99 bg_max bgsave_s bg_n fork_usec gc_n gc_max load1 worst
: >"$RESULTS"
for run in $(seq 1 "$RUNS"); do
    for kind in redis node; do
        port=${PORT[$kind]}
        load1=$(cut -d' ' -f1 /proc/loadavg)
        log "run $run: $kind (load $load1)"
        start_get_load "$port"
        sleep 1
        res=$(timeout 400 python3 "$RESPTOOL" probe --port "$port" --baseline "$BASELINE" --bgsave --after 1)
        stop_pid "$LOAD_PID"
        [[ "$(json_get "$res" bgsave_status)" == "ok" ]] || log "WARNING: $kind BGSAVE status: $res"
        gcn="-"; gcmax="-"
        if [[ $kind == node ]]; then
            gc=$(python3 "$RESPTOOL" gc-pauses "$WORK/node/gc.log" --from "$(json_get "$res" bgsave_epoch_start)" \
                --to "$(json_get "$res" bgsave_epoch_end)")
            gcn=$(json_get "$gc" count); gcmax=$(json_get "$gc" max_ms)
        fi
        worst=$(python3 -c 'import json,sys; print(" ".join("%.1fms@%.2fs" % (w["ms"], w["at_s"]) for w in json.loads(sys.argv[1])["bgsave_worst"][:3]))' "$res")
        echo "$kind $run $(json_get "$res" baseline.p50) $(json_get "$res" baseline.p99) $(json_get "$res" baseline.max)" \
            "$(json_get "$res" bgsave.p50) $(json_get "$res" bgsave.p99) $(json_get "$res" bgsave.max)" \
            "$(json_get "$res" bgsave_seconds) $(json_get "$res" bgsave.n) $(json_get "$res" latest_fork_usec)" \
            "$gcn $gcmax $load1 ${worst// /,}" | tee -a "$RESULTS" >&2
        echo "$res" >>"$WORK/raw-$kind.jsonl"
    done
done
LOAD_END="$(loadavg)"

col() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$RESULTS"; }

SECTION="$WORK/section.md"
{
    echo "## $HEADING"
    echo
    machine_line "bench/bgsave-latency.sh"
    echo "Load average at the start: $LOAD_START; at the end: $LOAD_END (1-minute load before each run below)."
    echo
    echo "Reproduce: \`KEYS=$KEYS RUNS=$RUNS bench/bgsave-latency.sh\`. Each server holds $KEYS keys \`key:NNNNNNNNNNNN\` = \`xxx\`"
    echo "(\`redis-cli --pipe\`). Per run: \`redis-benchmark -t get -c $CLIENTS -r $KEYS\` runs in the background against the server;"
    echo "\`bench/lib/resptool.py probe\` sends PING every ~1 ms on its own connection and records each round trip: ${BASELINE} s"
    echo "without BGSAVE, then BGSAVE (on a second connection) and the window until \`rdb_bgsave_in_progress:0\` (polled every"
    echo "20 ms), then 1 s more. One unmeasured warm-up BGSAVE per server first; $RUNS runs per kind, alternating Redis / node;"
    echo "the median of the per-run values counts. Target: node p99 during BGSAVE ≤ 5 ms."
    echo
    echo "| kind | without BGSAVE p50 / p99 / max (ms) | during BGSAVE p50 / p99 / max (ms) | BGSAVE (s) | target p99 ≤ 5 ms |"
    echo "|---|---|---|---:|---|"
    for kind in redis node; do
        p99=$(median $(col $kind 7))
        met=$(awk -v q="$p99" 'BEGIN { print (q != "n/a" && q <= 5) ? "met" : "missed" }')
        [[ $kind == redis ]] && met="(reference)"
        echo "| $kind | $(median $(col $kind 3)) / $(median $(col $kind 4)) / $(median $(col $kind 5)) |" \
            "$(median $(col $kind 6)) / $p99 / $(median $(col $kind 8)) | $(median $(col $kind 9)) | $met |"
    done
    echo
    echo "<details><summary>All runs</summary>"
    echo
    echo "probes = PINGs inside the BGSAVE window; fork = Redis' \`latest_fork_usec\`; GC = pauses in the node's GC log that"
    echo "ended inside the window (count, longest); worst = the three slowest probes in the window and when they started"
    echo "(seconds after BGSAVE was sent)."
    echo
    echo "| kind | run | base p50 | base p99 | base max | BGSAVE p50 | BGSAVE p99 | BGSAVE max | BGSAVE (s) | probes | fork (µs) | GC count | GC max (ms) | load1 | worst |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    while read -r kind run b50 b99 bmax g50 g99 gmax secs n fork gcn gcmax l1 worst; do
        echo "| $kind | $run | $b50 | $b99 | $bmax | $g50 | $g99 | $gmax | $secs | $n | ${fork:--} | $gcn | $gcmax | $l1 | ${worst//,/ } |"
    done <"$RESULTS"
    echo
    echo "</details>"
    echo
} >"$SECTION"

write_section "$HEADING" "$SECTION"
cat "$SECTION"
