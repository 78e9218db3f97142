#!/usr/bin/env bash
# Failover time on the local Kubernetes test bed with the operator. Writes the section "Failover time, operator" of
# docs/benchmarks.md (other sections are kept).
#
#   bench/failover.sh                       # 20 runs per image (node, redis:7), default failover timeout
#   RUNS=5 KINDS=node bench/failover.sh
#   CONFIG=repl-diskless-sync-delay=0 OUT=/tmp/x.md bench/failover.sh   # an experiment, not the documented run
#
# dev.chorus.operator.chaos.FailoverBenchmark starts the bed (real etcd, kube-apiserver, kube-controller-manager;
# pods as processes) and the operator, creates a 3-node ReplicaSet per image (no persistence) and, RUNS times,
# SIGKILLs the master's process and measures from the kill until a write (SET) through the write Service's ready
# endpoints succeeds on the new master, until such a write is acknowledged by WAIT 1, and until every other pod (the
# restarted old master included) replicates from the new master with its link up. A benchmark, not a test: CI does not
# run it. Needs root (the bed's network namespaces). Every wait is bounded.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

RUNS="${RUNS:-20}"
KINDS="${KINDS:-node,redis}"
CONFIG="${CONFIG:-}" # spec.config entries for the set, e.g. CONFIG=repl-diskless-sync-delay=0,other=value
HEADING="Failover time, operator"

cd "$ROOT"
KUBE_BIN_DIR="$(e2e/kube/build.sh | tail -n1)"
export KUBE_BIN_DIR
log "building the node, the test bed and the operator"
mvn -B -q -o -pl operator -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test >&2
LOAD_START="$(loadavg)"
CP="operator/target/test-classes:operator/target/classes:$(cat operator/target/classpath.txt)"
timeout 7200 java -cp "$CP" -Dchorus.node.jar="$JAR" -Dchorus.repo.dir="$ROOT" \
    -Dbench.runs="$RUNS" -Dbench.kinds="$KINDS" -Dbench.config="$CONFIG" \
    dev.chorus.operator.chaos.FailoverBenchmark >"$WORK/bench.out" 2>"$WORK/bench.err" || {
    log "the benchmark failed; last lines:"; tail -30 "$WORK/bench.err" >&2; tail -5 "$WORK/bench.out" >&2; exit 1; }
LOAD_END="$(loadavg)"

RESULTS="$WORK/results.txt" # kind run writes_ms acked_ms attached_ms old new
grep '^RESULT ' "$WORK/bench.out" | cut -d' ' -f2- >"$RESULTS"
cat "$RESULTS" >&2

col() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$RESULTS"; }
maximum() { printf '%s\n' "$@" | { grep -E '^[0-9]+$' || true; } | sort -n | tail -1; }
med() { DECIMALS=0 median "$@" || true; } # median's grep fails (pipefail) when no run has a number
failed_runs() { awk -v k="$1" '$1 == k && ($3 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/)' "$RESULTS" | wc -l; }
secs() { [[ "$1" =~ ^[0-9.]+$ ]] && awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }' || echo "${1:--}"; }

SECTION="$WORK/section.md"
{
    echo "## $HEADING"
    echo
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/failover.sh\` on $(nproc) CPUs," \
        "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM" \
        "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')); the bed, the operator, the client and"
    echo "the nodes share these CPUs. redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p');" \
        "node: chorus-node.jar on $(java -version 2>&1 | head -1), commit $(git -C "$ROOT" rev-parse --short HEAD)."
    echo "Load average at the start: $LOAD_START; at the end: $LOAD_END."
    echo
    echo "Reproduce: \`RUNS=$RUNS KINDS=$KINDS bench/failover.sh\` (as root). The local test bed (docs/testing.md) and the"
    echo "operator (in the benchmark's JVM, with the manifests' RBAC) run a 3-node ReplicaSet per image, no persistence,"
    echo "default \`spec.failover.timeoutSeconds\` (5). A client writes continuously (\`SET\` then \`WAIT 1 1000\`, 2 ms"
    echo "apart), finding the master through the write Service's ready EndpointSlice endpoints and re-resolving after"
    echo "every error. Each run SIGKILLs the master's process (the kubelet restarts it, empty) and measures from the kill"
    echo "until a \`SET\` succeeds on the new master (*to writes*), until such a write is also acknowledged by \`WAIT 1\`"
    echo "(*to acked writes*), and until every other pod, the restarted old master included, reports"
    echo "\`master_host:<new master>\` and \`master_link_status:up\` (*to re-attached*; polled every 20 ms). Before each kill"
    echo "every pod has run for 21 s, so the kubelet's crash back-off (1 s before the first restart) is the same in every"
    echo "run. Target (issue \"Operator: survive its own failures\"): to writes median ≤ 0.5 s and max ≤ 1 s.${CONFIG:+ spec.config: \`$CONFIG\`.}"
    echo
    echo "| image | runs | to writes median (s) | to writes max (s) | to acked writes median (s) | to acked writes max (s) | to re-attached median (s) | to re-attached max (s) | failed runs | target median ≤ 0.5 s, max ≤ 1 s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for kind in ${KINDS//,/ }; do
        n=$(col "$kind" 2 | wc -l)
        md=$(med $(col "$kind" 3))
        mx=$(maximum $(col "$kind" 3))
        failed=$(failed_runs "$kind")
        met=$(awk -v m="$md" -v x="$mx" 'BEGIN { mm = (m != "n/a" && m != "" && m <= 500); xm = (x != "" && x <= 1000);
            if (mm && xm) print "met (median and max)"; else if (mm) print "median met, max missed";
            else if (xm) print "max met, median missed"; else print "missed" }')
        [[ "$failed" == 0 ]] || met="missed ($failed failed)"
        echo "| $kind | $n | $(secs "$md") | $(secs "$mx") | $(secs "$(med $(col "$kind" 4))")" \
            "| $(secs "$(maximum $(col "$kind" 4))") | $(secs "$(med $(col "$kind" 5))")" \
            "| $(secs "$(maximum $(col "$kind" 5))") | $failed | $met |"
    done
    echo
    echo "<details><summary>All runs</summary>"
    echo
    echo "Times in ms from the kill; \"fail\" = not reached within 120 s, \"same\" = the master did not change."
    echo
    echo "| image | run | to writes (ms) | to acked writes (ms) | to re-attached (ms) | killed master | new master |"
    echo "|---|---:|---:|---:|---:|---|---|"
    while read -r kind run w a r old new; do
        echo "| $kind | $run | $w | $a | $r | $old | $new |"
    done <"$RESULTS"
    echo
    grep '^WRITER ' "$WORK/bench.out" | sed 's/^WRITER \([a-z]*\) /Writer, \1: /; s/$/\n/' || true
    echo "</details>"
    echo
} >"$SECTION"

write_section "$HEADING" "$SECTION"
cat "$SECTION"
