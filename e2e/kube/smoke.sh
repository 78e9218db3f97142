#!/usr/bin/env bash
# Smoke test for the control plane built by build.sh: starts etcd, kube-apiserver
# and kube-controller-manager on 127.0.0.1 (random free ports, state in a mktemp
# dir), checks kubectl works against them and that the controller manager is
# healthy and doing its job, reports start-up times, then stops everything and
# removes the temp dir (trap on EXIT).
#
# Usage: e2e/kube/smoke.sh [BIN_DIR]     (default: the directory build.sh prints)
#        SMOKE_LOG_DIR=DIR e2e/kube/smoke.sh   also copies the component logs to DIR
# The flags used here are documented in docs/testing.md ("Control plane binaries").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-$("$here/build.sh" | tail -n1)}"
for b in etcd kube-apiserver kube-controller-manager kubectl; do
  [[ -x "$bin/$b" ]] || { echo "missing $bin/$b" >&2; exit 1; }
done

log() { printf '[kube/smoke] %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }


tmp="$(mktemp -d "${TMPDIR:-/tmp}/chorus-kube-smoke.XXXXXX")"
pids=()
ok=0
cleanup() {
  local i pid t
  t=$(now)
  # Reverse start order (controller manager, apiserver, etcd), each given 5 s to exit.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  ((${#pids[@]} == 0)) || log "stopped ${#pids[@]} processes in $(since "$t")s"
  if [[ $ok != 1 ]]; then
    for f in "$tmp"/*.log; do
      [[ -f "$f" ]] && { echo "---- last lines of $(basename "$f")" >&2; tail -n 30 "$f" >&2; }
    done
  fi
  if [[ -n "${SMOKE_LOG_DIR:-}" ]]; then mkdir -p "$SMOKE_LOG_DIR" && cp "$tmp"/*.log "$SMOKE_LOG_DIR"/ 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nothing on loopback listens on (connect refused), avoiding ones handed out already.
used=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ $used == *" $p "* ]] && continue
    if ! (exec 2>/dev/null; : >"/dev/tcp/127.0.0.1/$p"); then used+="$p "; echo "$p"; return; fi
  done
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
  local timeout=$1 what=$2 pid; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out after ${timeout}s waiting for $what"; return 1; fi
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { log "a component exited while waiting for $what"; return 1; }
    done
    sleep 0.2
  done
}

etcd_port=$(free_port); etcd_peer_port=$(free_port)
api_port=$(free_port); kcm_port=$(free_port)
log "bin=$bin tmp=$tmp etcd=$etcd_port/$etcd_peer_port apiserver=$api_port controller-manager=$kcm_port"

# --- credentials (all local, throw-away) -------------------------------------
pki="$tmp/pki"; mkdir -p "$pki"
(
  cd "$pki"
  exec 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=chorus-e2e-ca" \
    -keyout ca.key -out ca.crt
  openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out apiserver.crt \
    -extfile <(printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" \
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1")
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key
  openssl pkey -in sa.key -pubout -out sa.pub
)
admin_token="$(openssl rand -hex 16)"
kcm_token="$(openssl rand -hex 16)"
# token,user,uid,"group1,group2"
cat >"$pki/tokens.csv" <<EOF
$admin_token,chorus-admin,chorus-admin,"system:masters"
$kcm_token,system:kube-controller-manager,system:kube-controller-manager
EOF

kubeconfig() { # FILE TOKEN
  "$bin/kubectl" config --kubeconfig="$1" set-cluster local --server="https://127.0.0.1:$api_port" \
    --certificate-authority="$pki/ca.crt" --embed-certs >/dev/null
  "$bin/kubectl" config --kubeconfig="$1" set-credentials user --token="$2" >/dev/null
  "$bin/kubectl" config --kubeconfig="$1" set-context local --cluster=local --user=user >/dev/null
  "$bin/kubectl" config --kubeconfig="$1" use-context local >/dev/null
}
kubeconfig "$tmp/admin.kubeconfig" "$admin_token"
kubeconfig "$tmp/kcm.kubeconfig" "$kcm_token"
kc() { "$bin/kubectl" --kubeconfig="$tmp/admin.kubeconfig" "$@"; }

# --- etcd --------------------------------------------------------------------
t0=$(now)
"$bin/etcd" \
  --name=e2e \
  --data-dir="$tmp/etcd" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" \
  --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster="e2e=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync \
  --log-level=warn \
  >"$tmp/etcd.log" 2>&1 &
pids+=($!)
wait_for 30 "etcd /health" sh -c "curl -sf http://127.0.0.1:$etcd_port/health | grep -q '\"health\":\"true\"'"
log "etcd healthy after $(since "$t0")s"

# --- kube-apiserver ----------------------------------------------------------
"$bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 \
  --advertise-address=127.0.0.1 \
  --secure-port="$api_port" \
  --tls-cert-file="$pki/apiserver.crt" \
  --tls-private-key-file="$pki/apiserver.key" \
  --cert-dir="$tmp/apiserver-certs" \
  --client-ca-file="$pki/ca.crt" \
  --token-auth-file="$pki/tokens.csv" \
  --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$pki/sa.pub" \
  --service-account-signing-key-file="$pki/sa.key" \
  --service-cluster-ip-range=10.0.0.0/24 \
  >"$tmp/kube-apiserver.log" 2>&1 &
pids+=($!)
wait_for 60 "kube-apiserver /readyz" curl -sf --cacert "$pki/ca.crt" -H "Authorization: Bearer $admin_token" \
  "https://127.0.0.1:$api_port/readyz"
log "kube-apiserver ready after $(since "$t0")s"

# --- kube-controller-manager -------------------------------------------------
"$bin/kube-controller-manager" \
  --kubeconfig="$tmp/kcm.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$kcm_port" \
  --cert-dir="$tmp/kcm-certs" \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" \
  --cluster-signing-key-file="$pki/ca.key" \
  --leader-elect=true \
  >"$tmp/kube-controller-manager.log" 2>&1 &
pids+=($!)
wait_for 60 "kube-controller-manager /healthz" curl -skf "https://127.0.0.1:$kcm_port/healthz"
log "kube-controller-manager healthy after $(since "$t0")s"
wait_for 60 "kube-controller-manager leader lease" sh -c \
  "'$bin/kubectl' --kubeconfig='$tmp/admin.kubeconfig' -n kube-system get lease kube-controller-manager -o jsonpath='{.spec.holderIdentity}' | grep -q ."
log "kube-controller-manager holds its lease after $(since "$t0")s"
# The serviceaccount controller creates "default" in every namespace: proof the controllers run.
wait_for 60 "serviceaccount default/default" kc -n default get serviceaccount default
log "control plane fully up (default ServiceAccount exists) after $(since "$t0")s"

# --- checks ------------------------------------------------------------------
kc get ns >&2
kc version >&2
server_version="$(kc version -o json | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | tail -n1)"
expected="$("$bin/kube-apiserver" --version | awk '{print $2}')"
[[ "$server_version" == "$expected" ]] || { log "server reports '$server_version', expected '$expected'"; exit 1; }

# Deployment -> ReplicaSet -> Pod shows the controller manager reconciling (no scheduler, so Pending).
kc -n default create deployment smoke --image=registry.invalid/none:1 >&2
wait_for 60 "deployment's pod" sh -c \
  "'$bin/kubectl' --kubeconfig='$tmp/admin.kubeconfig' -n default get pods -l app=smoke -o name | grep -q pod/"
kc -n default get deploy,rs,pods >&2

ok=1
log "OK: server $server_version, etcd $("$bin/etcd" --version | sed -n 's/^etcd Version: //p')"
