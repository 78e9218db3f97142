#!/usr/bin/env bash
# Builds the Kubernetes control plane used by the e2e tests (kube-apiserver,
# kube-controller-manager, kubectl, etcd) from the Go modules pinned in this
# directory's go.mod, into a cache outside the repository:
#
#   ${CHORUS_CACHE:-$HOME/.cache/chorus}/kube/<k8s-version>-<etcd-version>/bin
#
# Nothing is rebuilt if that directory is complete (its stamp file is written
# last and records a fingerprint of go.mod, go.sum, the main packages and this
# script). The LAST line on stdout is the bin directory; all progress goes to
# stderr, so callers can do:  bin=$(e2e/kube/build.sh | tail -n1)
#
# Environment:
#   CHORUS_CACHE   cache root (default $HOME/.cache/chorus)
#   GO             go command to use (default: `go` on PATH, else /usr/local/go/bin/go)
#   GOMODCACHE, GOCACHE, GOPROXY, ...  honoured as usual; nothing is forced.
set -euo pipefail

# Everything below writes to stderr; only the final result goes to the real stdout (fd 3).
exec 3>&1 1>&2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

log() { printf '[kube/build] %s\n' "$*"; }

export GOTOOLCHAIN=local CGO_ENABLED=0

# Versions come from go.mod (single source of truth). Parsed with awk so that an
# up-to-date cache needs neither the go command nor the network.
modver() { awk -v m="$1" '$0 !~ /=>/ { if ($1 == m) { print $2; exit } if ($1 == "require" && $2 == m) { print $3; exit } }' go.mod; }
k8s_version="$(modver k8s.io/kubernetes)"
etcd_version="$(modver go.etcd.io/etcd/server/v3)"
if [[ ! "$k8s_version" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
  log "unexpected k8s.io/kubernetes version '$k8s_version' in go.mod"; exit 1
fi
k8s_major="${BASH_REMATCH[1]}"
k8s_minor="${BASH_REMATCH[2]}"

cache_root="${CHORUS_CACHE:-$HOME/.cache/chorus}"
dir="$cache_root/kube/${k8s_version}-${etcd_version}"
bin="$dir/bin"
stamp="$dir/stamp"
binaries=(kube-apiserver kube-controller-manager kubectl etcd)

fingerprint="$(cat go.mod go.sum build.sh $(find cmd -name '*.go' | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)"

complete() {
  [[ -f "$stamp" && "$(cat "$stamp")" == "$fingerprint" ]] || return 1
  local b
  for b in "${binaries[@]}"; do [[ -x "$bin/$b" ]] || return 1; done
}

if complete; then
  log "up to date: $bin"
  echo "$bin" >&3
  exit 0
fi

mkdir -p "$dir"
# Serialise concurrent builds of the same version (e.g. parallel test jobs).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dir/lock"
  flock 9
  if complete; then
    log "built by a concurrent run: $bin"
    echo "$bin" >&3
    exit 0
  fi
fi

rm -f "$stamp"
mkdir -p "$bin"

GO="${GO:-}"
if [[ -z "$GO" ]]; then
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)";
  elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go;
  else log "no go toolchain found (set GO=/path/to/go)"; exit 1; fi
fi

# Module release time as build date, so the output does not depend on when we built.
build_date="$("$GO" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
[[ -n "$build_date" ]] || build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

# Same variables as k8s.io/kubernetes hack/lib/version.sh sets, for both
# component-base (server version, /version) and client-go (kubectl client version).
# gitCommit is left empty: the module proxy does not tell us the release commit.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${k8s_version}"
  ldflags+=" -X ${pkg}.gitMajor=${k8s_major}"
  ldflags+=" -X ${pkg}.gitMinor=${k8s_minor}"
  ldflags+=" -X ${pkg}.gitCommit="
  ldflags+=" -X ${pkg}.gitTreeState=clean"
  ldflags+=" -X ${pkg}.buildDate=${build_date}"
done

log "building k8s ${k8s_version} + etcd ${etcd_version} with $("$GO" env GOVERSION) into $bin"
log "(about 10 minutes on 2 cores with a cold Go build cache; GOCACHE=$("$GO" env GOCACHE))"
start=$SECONDS
# Build into a temporary directory, then move each binary into place atomically.
tmp="$(mktemp -d "$dir/build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
"$GO" build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$tmp/" \
  ./cmd/kube-apiserver ./cmd/kube-controller-manager ./cmd/kubectl ./cmd/etcd
for b in "${binaries[@]}"; do
  mv -f "$tmp/$b" "$bin/$b"
done

# Sanity check: the binaries must report the pinned versions.
for b in kube-apiserver kube-controller-manager; do
  v="$("$bin/$b" --version)"
  [[ "$v" == "Kubernetes ${k8s_version}" ]] || { log "$b reports '$v', expected ${k8s_version}"; exit 1; }
done
v="$("$bin/kubectl" version --client)"
[[ "$v" == *"Client Version: ${k8s_version}"* ]] || { log "kubectl reports '$v', expected ${k8s_version}"; exit 1; }
v="$("$bin/etcd" --version)"
[[ "$v" == *"etcd Version: ${etcd_version#v}"* ]] || { log "etcd reports '$v', expected ${etcd_version}"; exit 1; }

# Written last: an interrupted build leaves no stamp and is redone next time.
echo "$fingerprint" > "$stamp"
log "built in $((SECONDS - start))s: $bin"
echo "$bin" >&3
