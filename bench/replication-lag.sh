#!/usr/bin/env bash
# Replication lag under a write load: Redis -> Redis vs node -> node. Writes the section
# "Replication lag, node vs Redis" of docs/benchmarks.md (other sections are kept).
#
#   bench/replication-lag.sh            # N=3000000 requests per test, 3 runs per kind
#   N=1000000 RUNS=1 bench/replication-lag.sh
#
# While `redis-benchmark -t set,incr,lpush -P 16 -n N` writes to the master, bench/lib/resptool.py samples
# master_repl_offset (INFO replication on the master) and slave_repl_offset (on the replica) every ~10 ms over two
# persistent connections, both requests sent before either reply is read. The lag of a master sample (time t,
# offset M) is the time until the replica's offset reached M (interpolated between the replica samples around the
# crossing). A benchmark, not a test: CI does not run it. Every process is stopped by PID; every wait is bounded.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

N="${N:-3000000}"
RUNS="${RUNS:-3}"
N_WARMUP="${N_WARMUP:-500000}"
INTERVAL_MS="${INTERVAL_MS:-10}"
HEADING="Replication lag, node vs Redis"

ensure_jar
LOAD_START="$(loadavg)"

load_cmd() { # port requests
    echo timeout 600 redis-benchmark -h 127.0.0.1 -p "$1" -t set,incr,lpush -P 16 -n "$2" -q
}

# Each run gets its own fresh master + replica pair, stopped afterwards, so nothing left over from the other kind's
# runs (a resync, a JVM still collecting) competes for the two CPUs.
start_pair() { # kind -> MPORT RPORT MPID RPID, linked
    local kind=$1 res
    MPORT=$(free_port); RPORT=$(free_port)
    # No diskless delay: the initial sync (and any resync) starts at once.
    start_server "$kind" "$kind-master" "$MPORT" --repl-diskless-sync-delay 0
    MPID=$SERVER_PID
    start_server "$kind" "$kind-replica" "$RPORT"
    RPID=$SERVER_PID
    res=$(timeout 90 python3 "$RESPTOOL" wait-sync --replica "$RPORT" --master-port "$MPORT" --keys 0 --timeout 60)
    [[ "$(json_get "$res" ok)" == "True" ]] || { log "$kind replica did not sync: $res"; exit 1; }
}

wait_link_up() { # replica port, bounded
    for _ in $(seq 1 300); do
        [[ "$(redis-cli -p "$1" INFO replication | tr -d '\r' | grep -c '^master_link_status:up')" == 1 ]] && return 0
        sleep 0.1
    done
    return 1
}

RESULTS="$WORK/results.txt" # kind run p50 p99 max samples gap_p99 stream_bytes bytes_behind_max load_s gc_master gc_replica load1 resyncs
: >"$RESULTS"
for run in $(seq 1 "$RUNS"); do
    for kind in redis node; do
        start_pair "$kind"
        # Warm-up (not measured): the same load, so the node's JIT has compiled the stream path on both sides.
        timeout 120 python3 "$RESPTOOL" lag --master "$MPORT" --replica "$RPORT" \
            -- $(load_cmd "$MPORT" "$N_WARMUP") >/dev/null
        wait_link_up "$RPORT" || log "WARNING: $kind link not up after the warm-up"
        redis-cli -p "$MPORT" FLUSHALL >/dev/null # propagated: the replica starts the run empty too
        gc_m=0; gc_r=0
        if [[ $kind == node ]]; then
            gc_m=$(wc -l <"$WORK/node-master/gc.log"); gc_r=$(wc -l <"$WORK/node-replica/gc.log")
        fi
        load1=$(cut -d' ' -f1 /proc/loadavg)
        log "run $run: $kind, master port $MPORT, replica port $RPORT (load $load1)"
        res=$(timeout 700 python3 "$RESPTOOL" lag --master "$MPORT" --replica "$RPORT" \
            --interval-ms "$INTERVAL_MS" -- $(load_cmd "$MPORT" "$N"))
        gcm="-"; gcr="-"
        if [[ $kind == node ]]; then
            gcm=$(json_get "$(python3 "$RESPTOOL" gc-pauses "$WORK/node-master/gc.log" --skip-lines "$gc_m")" max_ms)
            gcr=$(json_get "$(python3 "$RESPTOOL" gc-pauses "$WORK/node-replica/gc.log" --skip-lines "$gc_r")" max_ms)
        fi
        echo "$kind $run $(json_get "$res" lag_ms.p50) $(json_get "$res" lag_ms.p99) $(json_get "$res" lag_ms.max)" \
            "$(json_get "$res" samples) $(json_get "$res" sample_gap_ms.p99) $(json_get "$res" stream_bytes)" \
            "$(json_get "$res" bytes_behind_max) $(json_get "$res" load_seconds) $gcm $gcr $load1" \
            "$(json_get "$res" resyncs)" | tee -a "$RESULTS" >&2
        [[ "$(json_get "$res" never_reached)" == "0" ]] || log "WARNING: $kind run $run: replica never reached some master offsets: $res"
        if [[ "$(json_get "$res" resyncs)" != "0" ]]; then
            log "WARNING: $kind run $run: the replica resynced during the run: $res"
            grep -h "failed\|lost" "$WORK/$kind-replica/server.log" | head -3 >&2 || true
        fi
        stop_pid "$RPID"
        stop_pid "$MPID"
    done
done
LOAD_END="$(loadavg)"

col() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$RESULTS"; }
list() { col "$1" "$2" | paste -sd' ' | sed 's/ /, /g'; }

SECTION="$WORK/section.md"
{
    echo "## $HEADING"
    echo
    machine_line "bench/replication-lag.sh"
    echo "Load average at the start: $LOAD_START; at the end: $LOAD_END (1-minute load before each run below)."
    echo
    echo "Reproduce: \`N=$N RUNS=$RUNS bench/replication-lag.sh\`. Each run starts a fresh master and replica of one kind"
    echo "(linked, then stopped after the run); the load is \`redis-benchmark -h 127.0.0.1 -p MASTER -t set,incr,lpush -P 16 -n $N -q\`"
    echo "(50 clients), after an unmeasured warm-up pass with -n $N_WARMUP and a FLUSHALL. During the load"
    echo "\`bench/lib/resptool.py lag\` samples \`master_repl_offset\` on the master and \`slave_repl_offset\` on the replica every"
    echo "~${INTERVAL_MS} ms over two persistent connections (both INFO requests sent before either reply is read). The lag of a master"
    echo "sample (time t, offset M) is the time until the replica's offset reached M, interpolated between the two replica"
    echo "samples around the crossing. $RUNS runs per kind, alternating Redis / node; the median of the per-run values counts."
    echo "Target: node p99 < 10 ms."
    echo
    echo "| kind | lag p50 per run (ms) | median p50 (ms) | lag p99 per run (ms) | median p99 (ms) | max per run (ms) | target p99 < 10 ms |"
    echo "|---|---|---:|---|---:|---|---|"
    for kind in redis node; do
        p99=$(median $(col $kind 4))
        met=$(awk -v q="$p99" 'BEGIN { print (q != "n/a" && q < 10) ? "met" : "missed" }')
        [[ $kind == redis ]] && met="(reference)"
        echo "| $kind | $(list $kind 3) | $(median $(col $kind 3)) | $(list $kind 4) | $p99 | $(list $kind 5) | $met |"
    done
    echo
    echo "<details><summary>All runs</summary>"
    echo
    echo "Samples = master samples during the load; gap p99 = 99th percentile of the time between two samples (the"
    echo "sampler shares the CPUs too); stream = replication bytes the load produced; behind max = largest master − replica"
    echo "offset difference seen; GC max = longest JVM pause in the node's GC log during the run; resyncs = full + partial"
    echo "resynchronisations the master served during the run (0 when the link held)."
    echo
    echo "| kind | run | p50 (ms) | p99 (ms) | max (ms) | samples | gap p99 (ms) | stream (bytes) | behind max (bytes) | load (s) | master GC max (ms) | replica GC max (ms) | load1 | resyncs |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    while read -r kind run p50 p99 max samples gap bytes behind secs gcm gcr l1 rs; do
        echo "| $kind | $run | $p50 | $p99 | $max | $samples | $gap | $bytes | $behind | $secs | $gcm | $gcr | $l1 | $rs |"
    done <"$RESULTS"
    echo
    echo "</details>"
    echo
} >"$SECTION"

write_section "$HEADING" "$SECTION"
cat "$SECTION"
