#!/usr/bin/env bash
# Builds the runtime image (runtime-images/Dockerfile, CPU flavour) without a Docker engine and without Docker Hub:
# the base is Debian 12 + Debian's OpenJDK 17 JRE, bootstrapped with debootstrap from a Debian mirror; the jars are
# the ones Maven builds on this machine (Maven Central only); buildah runs the Dockerfile's final stage on them.
# Nothing but a Debian mirror and Maven Central is contacted. Details, limits and what was verified: docs/images.md.
#
#   Usage: tools/build-image-offline.sh           builds IMAGE (default localhost/syncabel-runtime:dev)
#   Environment:
#     IMAGE=<name:tag>        the image to build
#     OCI_ARCHIVE=<file>      also save the image there (OCI archive: `skopeo copy oci-archive:FILE docker://REG/...`)
#     DEBIAN_MIRROR=<url>     default http://deb.debian.org/debian (security updates: http://deb.debian.org/debian-security)
#     REFRESH_BASE=1          bootstrap the base again (default: reuse target/images/base.tar while it exists)
#     MVN_OFFLINE=1           build the jars with `./mvnw -o` (no network for Maven)
#   Needs root (debootstrap, chroot, buildah's storage) and: apt-get install -y debootstrap buildah podman
#   (and runc where /sys/fs/cgroup is not cgroup v2: tools/oci-host.sh)
#   Then: tools/test-image.sh runs the CLI in the image the way a SynCABEL pod does.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

image="${IMAGE:-localhost/syncabel-runtime:dev}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
suite=bookworm
base_image="localhost/syncabel-base:${suite}-openjdk17"
work="$root/target/images"
jar="runtime-images/runtime/target/syncabel-runtime.jar"

say() { echo "build-image: $*" >&2; }
die() { echo "build-image: error: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || die "run as root: debootstrap and chroot need it, and the image goes to root's container storage"
for tool in debootstrap buildah podman unshare; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install -y debootstrap buildah podman"
done
mkdir -p "$work"
source "$root/tools/oci-host.sh"

# 1. The jars, as the Dockerfile's build stage makes them (rebuilt when a source is newer than the jar).
if [ ! -f "$jar" ] || [ -n "$(find pom.xml operator/api/pom.xml operator/api/src/main runtime-images/runtime/pom.xml \
      runtime-images/runtime/src/main -newer "$jar" -type f -print -quit)" ]; then
  say "building the runtime jar and lib/ with Maven"
  ./mvnw -B -q ${MVN_OFFLINE:+-o} -DskipTests -pl runtime-images/runtime -am package
fi
[ -f "$jar" ] && [ -d runtime-images/runtime/target/lib ] || die "Maven did not produce $jar and its lib/"

# Runs a command chrooted in $rootfs with /proc and /dev, in a private mount namespace, so nothing stays mounted on
# the host when it ends (or fails).
in_root() {
  local rootfs="$1"; shift
  unshare --mount --pid --fork --kill-child sh -c \
    'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"' "$rootfs" "$@"
}

# 2. The base: what eclipse-temurin:17-jre gives the Dockerfile (a glibc distribution with a JRE 17 on the PATH, useradd,
#    CA certificates, a UTF-8 locale), from Debian's own packages, security updates included.
if [ -n "${REFRESH_BASE:-}" ] || [ ! -f "$work/base.tar" ]; then
  rootfs="$work/base-rootfs"
  rm -rf "$rootfs"
  say "bootstrapping Debian $suite (minbase) from $mirror"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log: $work/debootstrap.log)"; }
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
EOF
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  say "installing openjdk-17-jre-headless with the security updates"
  in_root "$rootfs" sh -ec 'export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get -y -q upgrade
    apt-get install -y -q --no-install-recommends openjdk-17-jre-headless ca-certificates
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /var/cache/debconf/*-old
    rm -rf /usr/share/doc/* /usr/share/man/* /usr/share/info/*' >"$work/base-apt.log" 2>&1 \
    || { tail -20 "$work/base-apt.log" >&2; die "installing the JRE in the base failed (log: $work/base-apt.log)"; }
  : >"$rootfs/etc/resolv.conf"   # the container runtime provides its own
  in_root "$rootfs" dpkg-query -W -f '${Package} ${Version}\n' >"$work/base-packages.txt"
  tar --numeric-owner --xattrs -C "$rootfs" -cf "$work/base.tar.tmp" .
  mv "$work/base.tar.tmp" "$work/base.tar"
  rm -rf "$rootfs"
  podman rmi -f "$base_image" >/dev/null 2>&1 || true
fi
if ! podman image exists "$base_image"; then
  jdk="$(awk '$1 == "openjdk-17-jre-headless" {print $2}' "$work/base-packages.txt")"
  say "importing the base as $base_image (openjdk-17-jre-headless $jdk)"
  # LANG: Java 17 takes file.encoding and the encoding of file names from the locale; C.UTF-8 is in libc itself.
  podman import -q \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL org.opencontainers.image.base.name=debian:$suite io.syncabel.openjdk=$jdk" \
    --change 'CMD ["/bin/bash"]' \
    "$work/base.tar" "$base_image" >/dev/null
fi

# 3. The image: runtime-images/Dockerfile itself, with the base above and the jars from step 1.
say "building $image from runtime-images/Dockerfile"
buildah build --layers --pull=never "${oci_flags[@]}" -f runtime-images/Dockerfile \
  --build-arg FLAVOR=cpu --build-arg BASE_IMAGE="$base_image" --build-arg JARS=prebuilt \
  -t "$image" . >"$work/buildah.log" 2>&1 \
  || { tail -30 "$work/buildah.log" >&2; die "buildah build failed (log: $work/buildah.log)"; }
say "built $image ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"

if [ -n "${OCI_ARCHIVE:-}" ]; then
  podman save --format oci-archive -o "$OCI_ARCHIVE" "$image"
  say "saved $OCI_ARCHIVE"
fi
