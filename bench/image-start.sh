#!/usr/bin/env bash
# Start-to-ready time of the node image: from exec of the image's entrypoint (as the bed runs it: an overlay of the
# unpacked image, read-only root, /data writable, uid 65532, in its own mount namespace) to the first PONG.
# Usage (root): bench/image-start.sh [runs] [node image tarball]   (mvn -Pimages package first)
set -euo pipefail
runs="${1:-5}"
tarball="${2:-$(cd "$(dirname "$0")/.." && pwd)/node-image/target/images/chorus-node.tar}"
port=6391
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs"
# unpack the layers in order (the bed caches this per digest; not part of the measured time)
python3 - "$tarball" "$work/rootfs" <<'PY'
import json, subprocess, sys, tarfile
tf = tarfile.open(sys.argv[1])
idx = json.load(tf.extractfile('index.json'))
m = json.load(tf.extractfile('blobs/' + idx['manifests'][0]['digest'].replace(':', '/')))
cfg = json.load(tf.extractfile('blobs/' + m['config']['digest'].replace(':', '/')))
for layer in m['layers']:
    data = tf.extractfile('blobs/' + layer['digest'].replace(':', '/')).read()
    subprocess.run(['tar', '--warning=no-unknown-keyword', '--numeric-owner', '-xzf', '-', '-C', sys.argv[2]], input=data, check=True)
open(sys.argv[2] + '/../entrypoint', 'w').write('\0'.join(cfg['config']['Entrypoint']))
open(sys.argv[2] + '/../path', 'w').write([e for e in cfg['config']['Env'] if e.startswith('PATH=')][0][5:])
PY
mapfile -d '' entry < "$work/entrypoint"
for i in $(seq 1 "$runs"); do
  run="$work/run$i"; mkdir -p "$run/upper" "$run/work" "$run/root" "$run/data"; chmod 777 "$run/data"
  start=$(date +%s%N)
  IMAGE_PATH="$(cat "$work/path")" unshare --mount --propagation private -- /bin/sh -c '
    set -e; r="$1"; shift
    mount -t overlay overlay -o "lowerdir=$r/../../rootfs,upperdir=$r/../upper,workdir=$r/../work" "$r"
    mount -t proc proc "$r/proc"; mount --rbind /dev "$r/dev"; mount --bind "$r/../data" "$r/data"
    mount -o remount,bind,ro "$r"
    PATH="$IMAGE_PATH" exec unshare --root="$r" --wd=/data --setgid 65532 --setuid 65532 -- "$@"' sh "$run/root" \
    "${entry[@]}" --port "$port" --save "" --protected-mode no >"$run/log" 2>&1 &
  pid=$!
  until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do sleep 0.01; done
  end=$(date +%s%N)
  printf 'run %d: %.3f s to PONG\n' "$i" "$(echo "($end - $start) / 1000000000" | bc -l)"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "$pid" || true
done
# The same JVM flags and classes run from the host's file system (no image, no namespaces), for comparison.
if [ "${BASELINE:-1}" = 1 ]; then
  for i in $(seq 1 "$runs"); do
    d="$work/host$i"; mkdir -p "$d"
    start=$(date +%s%N)
    (cd "$d" && exec java -XX:+UseSerialGC -Xms16m -XX:-UsePerfData -cp "$work/rootfs/app/classes:$work/rootfs/app/resources:$work/rootfs/app/libs/*" \
      dev.chorus.node.ChorusNode --port "$port" --save "" --protected-mode no >"$d/log" 2>&1) &
    pid=$!
    until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do sleep 0.01; done
    end=$(date +%s%N)
    printf 'host run %d: %.3f s to PONG\n' "$i" "$(echo "($end - $start) / 1000000000" | bc -l)"
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    wait "$pid" || true
  done
fi
