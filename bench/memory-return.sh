#!/usr/bin/env bash
# Memory given back after a large value: SET, GET and DEL of a 200 MB value, then how long until the server's RSS is
# back within 1.3x of what it was before the SET (goal: within 5 s). Redis, the node under the image's JVM flags
# (the Jib jvmFlags in node-image/pom.xml) and the node under plain `java -jar`, side by side on free loopback ports.
# Writes the section "Memory given back after a 200 MB value, node vs Redis" of docs/benchmarks.md.
#
#   bench/memory-return.sh               # REPEAT=3 runs per server, fresh process each, median counts
#   VALUE_MB=100 REPEAT=5 bench/memory-return.sh
#
# A benchmark, not a test: CI does not run it. Every process it starts is stopped by PID on exit.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

VALUE_MB="${VALUE_MB:-200}"
REPEAT="${REPEAT:-3}"
GOAL_RATIO="${GOAL_RATIO:-1.3}"
WATCH_SECONDS="${WATCH_SECONDS:-10}"
IMAGE_FLAGS="$(sed -n 's|.*<jvmFlag>\(.*\)</jvmFlag>.*|\1|p' "$ROOT/node-image/pom.xml" | tr '\n' ' ')"
HEADING="Memory given back after a ${VALUE_MB} MB value, node vs Redis"

ensure_jar
LOAD_BEFORE="$(loadavg)"
VALUE="$WORK/value"
head -c $((VALUE_MB * 1024 * 1024)) /dev/zero | tr '\0' 'v' >"$VALUE"

rss_mb() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status"; }

RESULTS="$WORK/results"
: >"$RESULTS"
run_one() { # kind label java-opts run
    local kind=$1 label=$2 opts=$3 run=$4 port pid pre set get del back="-" at5="-" t0 now rss
    port=$(free_port)
    NODE_JAVA_OPTS="$opts" start_server "$kind" "$label-$run" "$port"
    pid=$SERVER_PID
    sleep 2 # settled after start-up and the readiness PINGs
    pre=$(rss_mb "$pid")
    redis-cli -p "$port" -x SET big <"$VALUE" >/dev/null; set=$(rss_mb "$pid")
    redis-cli -p "$port" GET big | wc -c >/dev/null; get=$(rss_mb "$pid")
    redis-cli -p "$port" DEL big >/dev/null; del=$(rss_mb "$pid")
    t0=$(date +%s%N)
    while true; do
        now=$(( ($(date +%s%N) - t0) / 1000000 ))
        rss=$(rss_mb "$pid")
        if [[ $back == "-" ]] && awk -v r="$rss" -v p="$pre" -v g="$GOAL_RATIO" 'BEGIN { exit !(r <= p * g) }'; then
            back=$(awk -v ms="$now" 'BEGIN { printf "%.1f", ms / 1000 }')
        fi
        if [[ $at5 == "-" ]] && (( now >= 5000 )); then at5=$rss; fi
        (( now >= WATCH_SECONDS * 1000 )) && break
        sleep 0.1
    done
    local final; final=$(rss_mb "$pid")
    [[ "$(redis-cli -p "$port" PING)" == "PONG" ]] || { log "$label not answering after the run"; exit 1; }
    stop_pid "$pid"
    log "$label run $run: pre $pre MB, SET $set, GET $get, DEL $del, 5 s $at5, ${WATCH_SECONDS} s $final, back in ${back} s"
    echo "$label $run $pre $set $get $del $at5 $final $back $(loadavg | cut -d' ' -f1)" >>"$RESULTS"
}

for run in $(seq 1 "$REPEAT"); do
    run_one redis redis "" "$run"
    run_one node node-image "$IMAGE_FLAGS" "$run"
    run_one node node-plain "" "$run"
done

col() { awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$RESULTS"; }
SECTION="$WORK/section.md"
{
    echo "## $HEADING"
    echo
    NODE_JAVA_OPTS="<flags per row, below>" machine_line "bench/memory-return.sh"
    echo "Load average before: $LOAD_BEFORE. ${REPEAT} runs per server, each on a fresh process; medians."
    echo
    echo "Each run: start the server, wait 2 s, read RSS (*before*), then \`redis-cli -x SET big\` with a ${VALUE_MB} MB"
    echo "value, \`GET big\`, \`DEL big\` (RSS after each), then RSS every 0.1 s for ${WATCH_SECONDS} s. *Back* = seconds"
    echo "after the DEL until RSS is at most ${GOAL_RATIO}x *before* (goal: 5 s). *node-image* runs"
    echo "\`java $IMAGE_FLAGS -jar\` (the image's flags, no container limit); *node-plain* runs \`java -jar\`."
    echo
    echo "| server | before (MB) | after SET | after GET | after DEL | 5 s after DEL | ${WATCH_SECONDS} s after DEL | 5 s / before | back (s) | goal |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for label in redis node-image node-plain; do
        pre=$(DECIMALS=0 median $(col "$label" 3)); at5=$(DECIMALS=0 median $(col "$label" 7))
        back=$(DECIMALS=1 median $(col "$label" 9))
        met=$(awk -v b="$back" 'BEGIN { print (b != "n/a" && b <= 5) ? "met" : "missed" }')
        echo "| $label | $pre | $(DECIMALS=0 median $(col "$label" 4)) | $(DECIMALS=0 median $(col "$label" 5)) |" \
            "$(DECIMALS=0 median $(col "$label" 6)) | $at5 | $(DECIMALS=0 median $(col "$label" 8)) |" \
            "$(ratio "$at5" "$pre") | $back | $met |"
    done
    echo
    echo "<details><summary>All runs</summary>"
    echo
    echo "| server | run | before | SET | GET | DEL | 5 s | ${WATCH_SECONDS} s | back (s) | load1 |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    while read -r label run pre set get del at5 final back l1; do
        echo "| $label | $run | $pre | $set | $get | $del | $at5 | $final | $back | $l1 |"
    done <"$RESULTS"
    echo
    echo "</details>"
    echo
} >"$SECTION"

write_section "$HEADING" "$SECTION"
