#!/usr/bin/env bash
# Full sync of KEYS keys: Redis -> Redis vs node -> node, diskless and disk-based. Writes the section
# "Full sync, node vs Redis" of docs/benchmarks.md (other sections are kept).
#
#   bench/full-sync.sh                 # 1000000 keys, 3 runs per cell
#   KEYS=200000 RUNS=1 bench/full-sync.sh
#
# One master per kind is loaded once (KEYS keys `key:NNNNNNNNNNNN` = `xxx` via redis-cli --pipe); each run starts a
# fresh, empty replica of the same kind and times REPLICAOF -> master_link_status:up, master_sync_in_progress:0 and
# DBSIZE = KEYS (polled every 10 ms on one connection). Runs alternate Redis / node. A benchmark, not a test: CI does
# not run it. Every process is stopped by PID on exit; every wait is bounded.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

KEYS="${KEYS:-1000000}"
RUNS="${RUNS:-3}"
SYNC_TIMEOUT="${SYNC_TIMEOUT:-300}"
HEADING="Full sync, node vs Redis"
DECIMALS=3

ensure_jar
LOAD_START="$(loadavg)"

declare -A MASTER_PORT MASTER_PID
for kind in redis node; do
    MASTER_PORT[$kind]=$(free_port)
    start_server "$kind" "$kind-master" "${MASTER_PORT[$kind]}"
    MASTER_PID[$kind]=$SERVER_PID
    log "$kind master pid ${MASTER_PID[$kind]} port ${MASTER_PORT[$kind]}: loading $KEYS keys"
    load_keys "${MASTER_PORT[$kind]}" "$KEYS"
done

RESULTS="$WORK/results.txt" # mode kind run seconds until_payload transfer load rdb_bytes replica_gc_ms master_gc_ms load1
: >"$RESULTS"
for mode in diskless disk; do
    for kind in redis node; do
        port=${MASTER_PORT[$kind]}
        if [[ $mode == diskless ]]; then
            redis-cli -p "$port" CONFIG SET repl-diskless-sync yes >/dev/null
            redis-cli -p "$port" CONFIG SET repl-diskless-sync-delay 0 >/dev/null
        else
            redis-cli -p "$port" CONFIG SET repl-diskless-sync no >/dev/null
        fi
    done
    for run in $(seq 1 "$RUNS"); do
        for kind in redis node; do
            rport=$(free_port)
            start_server "$kind" "$kind-replica" "$rport"
            replica_pid=$SERVER_PID
            master_gc_lines=0
            [[ $kind == node ]] && master_gc_lines=$(wc -l <"$WORK/node-master/gc.log")
            load1=$(cut -d' ' -f1 /proc/loadavg)
            log "$mode run $run: $kind replica pid $replica_pid port $rport (load $load1)"
            res=$(timeout $((SYNC_TIMEOUT + 30)) python3 "$RESPTOOL" wait-sync --replica "$rport" \
                --master-port "${MASTER_PORT[$kind]}" --keys "$KEYS" --timeout "$SYNC_TIMEOUT")
            if [[ "$(json_get "$res" ok)" != "True" ]]; then
                log "$kind $mode run $run: sync did not complete: $res"
                redis-cli -p "$rport" INFO replication >&2 || true
                tail -20 "$WORK/$kind-replica/server.log" >&2 || true
                seconds="fail"
            else
                seconds=$(json_get "$res" seconds)
            fi
            phases=$(python3 "$RESPTOOL" sync-phases "$WORK/$kind-replica/server.log")
            rdb_bytes=$(stat -c %s "$WORK/$kind-replica/dump.rdb" 2>/dev/null || echo 0)
            replica_gc="-"; master_gc="-"
            if [[ $kind == node ]]; then
                replica_gc=$(json_get "$(python3 "$RESPTOOL" gc-pauses "$WORK/node-replica/gc.log")" total_ms)
                master_gc=$(json_get "$(python3 "$RESPTOOL" gc-pauses "$WORK/node-master/gc.log" \
                    --skip-lines "$master_gc_lines")" total_ms)
            fi
            echo "$mode $kind $run $seconds $(json_get "$phases" until_payload_s) $(json_get "$phases" transfer_s)" \
                "$(json_get "$phases" load_s) $rdb_bytes $replica_gc $master_gc $load1" | tee -a "$RESULTS" >&2
            stop_pid "$replica_pid"
        done
    done
done
LOAD_END="$(loadavg)"

col() { # mode kind column -> values of that column (1-based) over the runs
    awk -v m="$1" -v k="$2" -v c="$3" '$1 == m && $2 == k { print $c }' "$RESULTS"
}
runs_list() { col "$1" "$2" 4 | paste -sd' ' | sed 's/ /, /g'; }

SECTION="$WORK/section.md"
{
    echo "## $HEADING"
    echo
    machine_line "bench/full-sync.sh"
    echo "Load average at the start: $LOAD_START; at the end: $LOAD_END (1-minute load before each run in the last table)."
    echo
    echo "Reproduce: \`KEYS=$KEYS RUNS=$RUNS bench/full-sync.sh\`. One master per kind holds $KEYS keys \`key:NNNNNNNNNNNN\` = \`xxx\`"
    echo "(loaded with \`redis-cli --pipe\`); each run starts a fresh empty replica of the same kind (same JVM flags for the node)"
    echo "and times \`REPLICAOF 127.0.0.1 PORT\` until the replica reports \`master_link_status:up\`, \`master_sync_in_progress:0\`"
    echo "and DBSIZE = $KEYS (one connection polling every 10 ms). Diskless: \`repl-diskless-sync yes\`, \`repl-diskless-sync-delay 0\`;"
    echo "disk-based: \`repl-diskless-sync no\`. Both replicas use the default \`repl-diskless-load disabled\` (RDB to disk, then load)."
    echo "$RUNS runs per cell, alternating Redis / node; the median counts. Target: node ≤ 1.2× Redis' time."
    echo
    echo "| mode | Redis runs (s) | Redis median (s) | node runs (s) | node median (s) | node/Redis | target ≤ 1.2 |"
    echo "|---|---|---:|---|---:|---:|---|"
    for mode in diskless disk; do
        r=$(median $(col $mode redis 4)); n=$(median $(col $mode node 4)); q=$(ratio "$n" "$r")
        met=$(awk -v q="$q" 'BEGIN { print (q != "n/a" && q <= 1.2) ? "met" : "missed" }')
        echo "| $mode | $(runs_list $mode redis) | $r | $(runs_list $mode node) | $n | $q | $met |"
    done
    echo
    echo "Where the time goes (medians, from the replica's log lines, ms resolution): *until payload* = connect →"
    echo "first byte of the RDB payload (handshake, plus the master's whole snapshot for a disk-based sync), *transfer* ="
    echo "payload received and written to disk (for diskless, the master produces the snapshot while it streams), *load* ="
    echo "the replica loads the file (the node parses the payload while it arrives, so its *load* is only what is left after"
    echo "the last byte). RDB = the replica's dump.rdb. GC = total JVM pause time in the node's GC log during the run."
    echo
    echo "| mode | kind | until payload (s) | transfer (s) | load (s) | RDB (bytes) | replica GC pauses (ms) | master GC pauses (ms) |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for mode in diskless disk; do
        for kind in redis node; do
            echo "| $mode | $kind | $(median $(col $mode $kind 5)) | $(median $(col $mode $kind 6)) |" \
                "$(median $(col $mode $kind 7)) | $(col $mode $kind 8 | tail -1) |" \
                "$( [[ $kind == node ]] && median $(col $mode $kind 9) || echo -) |" \
                "$( [[ $kind == node ]] && median $(col $mode $kind 10) || echo -) |"
        done
    done
    echo
    echo "<details><summary>All runs</summary>"
    echo
    echo "| mode | kind | run | total (s) | until payload (s) | transfer (s) | load (s) | replica GC (ms) | master GC (ms) | load1 |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    while read -r mode kind run secs up tr ld _rdb rgc mgc l1; do
        echo "| $mode | $kind | $run | $secs | $up | $tr | $ld | $rgc | $mgc | $l1 |"
    done <"$RESULTS"
    echo
    echo "</details>"
    echo
} >"$SECTION"

write_section "$HEADING" "$SECTION"
cat "$SECTION"
