#!/usr/bin/env bash
# Builds the offline base image of the Chorus images: a minimal root filesystem assembled from Debian's packages
# (openjdk-17-jre-headless and the libraries it loads, base-files, netbase, a nonroot user), packed as a docker-save
# tarball that Jib takes as `tar://<file>` (images/README: -Dimage.base=debian, the default).
#
# No maintainer scripts run (dpkg-deb -x), so no shell, apt or dpkg end up in the image: it holds what the JVM
# needs and nothing else. The result is reproducible: the same package versions give the same bytes (fixed mtimes,
# owners and order), so Jib's output digest depends only on the packages and the app.
#
# Usage: build-base.sh [OUT]   (default ~/.cache/chorus/images/base/debian-jre17.tar). Prints OUT.
# The tarball is cached per package-version set: when the versions apt would pick are unchanged it only prints OUT.
set -euo pipefail
# The Maven build calls this for every image; with -Dimage.base=registry there is nothing to build.
if [ "${CHORUS_IMAGE_BASE:-debian}" = "registry" ]; then exit 0; fi

out="${1:-${CHORUS_IMAGE_CACHE:-$HOME/.cache/chorus/images}/base/debian-jre17.tar}"
arch="$(dpkg --print-architecture)"
# What the JVM (bin/java, lib/server/libjvm.so, lib/*.so of the headless JRE) links against, by package.
packages=(base-files netbase libc6 libgcc-s1 libstdc++6 zlib1g openjdk-17-jre-headless)
epoch=1700000000 # fixed mtimes (2023-11-14): the image's bytes depend on the package contents only

versions() {
  local p v
  for p in "${packages[@]}"; do
    v="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [ -z "$v" ] || [ "$v" = "(none)" ]; then return 1; fi
    echo "$p=$v"
  done
}

if ! pins="$(versions)"; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  pins="$(versions)"
fi
key="$(printf '%s\n' "$arch" "$pins" "$(sha256sum "$0" | cut -d' ' -f1)" | sha256sum | cut -c1-16)"
mkdir -p "$(dirname "$out")"
if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
  echo "$out"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
debs="$(dirname "$out")/debs"
mkdir -p "$debs" "$work/rootfs"
sandbox=(); [ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
(cd "$debs" && apt-get "${sandbox[@]}" download -qq $pins >/dev/null)
for p in "${packages[@]}"; do
  v="$(grep "^$p=" <<<"$pins" | cut -d= -f2)"
  deb="$(ls "$debs/${p}_${v//:/%3a}_"*.deb)"
  dpkg-deb -x "$deb" "$work/rootfs"
done

root="$work/rootfs"
jhome="usr/lib/jvm/java-17-openjdk-$arch"
# Trim what a headless server never loads: docs, man pages, locales, the JRE's debug/demo bits.
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" "$root/usr/share/locale" \
  "$root/usr/share/lintian" "$root/usr/share/gdb" "$root/usr/lib/debug"
# The Java security configuration expects a trust store (ca-certificates-java would make it); an empty JKS is
# created so lookups find a file. Images that talk TLS to public endpoints should use the Temurin base.
rm -f "$root/etc/ssl/certs/java/cacerts"
mkdir -p "$root/etc/ssl/certs/java"
# What postinst scripts would have done and the JVM needs: /usr/bin/java, the nonroot user, writable dirs.
ln -sfn "/$jhome/bin/java" "$root/usr/bin/java"
cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/usr/sbin/nologin
nonroot:x:65532:65532:nonroot:/data:/usr/sbin/nologin
PW
cat >"$root/etc/group" <<'GR'
root:x:0:
nonroot:x:65532:
GR
mkdir -p "$root/tmp" "$root/data" "$root/root" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp"
chmod 0755 "$root/data"
chown 65532:65532 "$root/data"

tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$root" -cf "$work/layer.tar" .
# /data belongs to nonroot (uid 65532): rewrite its owner in a second pass would need GNU tar's --owner-map;
# simpler: pack /data separately and append it (tar keeps the last entry).
tar --mtime="@$epoch" --owner=65532 --group=65532 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$root" -rf "$work/layer.tar" ./data
diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
goarch="$arch"; [ "$arch" = "arm64" ] || goarch="$arch"
jver="$(grep "^openjdk-17-jre-headless=" <<<"$pins" | cut -d= -f2)"
cat >"$work/config.json" <<JSON
{"architecture":"$goarch","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"65532","Env":["PATH=/$jhome/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/$jhome","LANG=C.UTF-8"],"WorkingDir":"/data","Labels":{"dev.chorus.base":"debian-bookworm-openjdk-17-jre-headless","dev.chorus.base.openjdk":"$jver"}},"rootfs":{"type":"layers","diff_ids":["$diff_id"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"images/base/build-base.sh: $(echo $pins | tr '\n' ' ')"}]}
JSON
config_id="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mkdir -p "$work/image"
mv "$work/config.json" "$work/image/$config_id.json"
mv "$work/layer.tar" "$work/image/layer.tar"
cat >"$work/image/manifest.json" <<JSON
[{"Config":"$config_id.json","RepoTags":["chorus-base:debian-jre17"],"Layers":["layer.tar"]}]
JSON
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$work/image" -cf "$out.tmp" manifest.json "$config_id.json" layer.tar
mv "$out.tmp" "$out"
echo "$key" >"$out.key"
echo "$out"
