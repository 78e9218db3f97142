#!/usr/bin/env bash
# Builds both images twice from clean targets and fails unless each build gives the same image digest (and config
# digest) both times. Same inputs (sources, dependencies, Debian package versions of the base, git revision) must
# give the same bytes; this is what makes a digest in a release manifest mean something.
# Usage: images/check-reproducible.sh [extra mvn args]   (about 4 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
build() {
  mvn -B -q -ntp -Pimages -pl node-image,operator -am clean package -DskipTests "$@" >/dev/null
  for m in node-image/target/images/chorus-node operator/target/images/chorus-operator; do
    echo "$(basename "$m") $(cat "$m.digest") $(cat "$m.id")"
  done
}
first="$(build "$@")"
echo "first:  $first"
second="$(build "$@")"
echo "second: $second"
if [ "$first" != "$second" ]; then
  echo "NOT reproducible" >&2
  exit 1
fi
echo "reproducible: same digests from two clean builds"
