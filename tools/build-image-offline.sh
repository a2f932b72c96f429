#!/usr/bin/env bash
# Builds the runtime image (runtime-images/Dockerfile, CPU flavour) and the operator image (operator/controller/
# Dockerfile) without a Docker engine and without Docker Hub, from the Dockerfiles as they are: buildah's
# --build-context replaces their `build` stage by the files Maven builds on this machine (Maven Central only) and
# their eclipse-temurin:17-jre base by Debian 12 + Debian's OpenJDK 17 JRE, bootstrapped with debootstrap.
# Nothing but a Debian mirror and Maven Central is contacted. Details, limits and what was verified: docs/images.md.
#
#   Usage: tools/build-image-offline.sh           builds IMAGE and OPERATOR_IMAGE
#   Environment:
#     IMAGE=<name:tag>           the runtime image (default localhost/syncabel-runtime:dev)
#     OPERATOR_IMAGE=<name:tag>  the operator image (default localhost/syncabel-operator:dev; OPERATOR_IMAGE= skips it)
#     OCI_ARCHIVE=<file>         also save the runtime image there (`skopeo copy oci-archive:FILE docker://REG/...`)
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
operator_image="${OPERATOR_IMAGE-localhost/syncabel-operator:dev}"
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

# 1. The jars, as the Dockerfiles' build stages make them (rebuilt when a source is newer than what was built).
stale() { [ ! -e "$1" ] || [ -n "$(find pom.xml "${@:2}" -newer "$1" -type f -print -quit)" ]; }
if stale "$jar" operator/api/pom.xml operator/api/src/main runtime-images/runtime/pom.xml runtime-images/runtime/src/main; then
  say "building the runtime jar and lib/ with Maven"
  ./mvnw -B -q ${MVN_OFFLINE:+-o} -DskipTests -pl runtime-images/runtime -am package
fi
[ -f "$jar" ] && [ -d runtime-images/runtime/target/lib ] || die "Maven did not produce $jar and its lib/"
operator_app=operator/controller/target/quarkus-app
if [ -n "$operator_image" ] && stale "$operator_app/quarkus-run.jar" operator/api/pom.xml operator/api/src/main \
      operator/controller/pom.xml operator/controller/src/main; then
  say "building the operator (Quarkus fast-jar) with Maven"
  ./mvnw -B -q ${MVN_OFFLINE:+-o} -DskipTests -pl operator/controller -am package
fi

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

# 3. The images: each Dockerfile as it is. Its `build` stage is replaced by a folder holding what that stage would
#    leave in /src (hard links to Maven's output), and eclipse-temurin:17-jre by the base, so neither Docker Hub
#    image is pulled (buildah then skips the build stage).
build() { # IMAGE DOCKERFILE NAME BUILD-ARGS PATH...: PATHs (under the repository) go to /src/PATH of the build stage
  local tag="$1" dockerfile="$2" name="$3" args="$4"; shift 4
  local ctx="$work/$name-build-stage"
  rm -rf "$ctx"
  for path in "$@"; do mkdir -p "$ctx/src/$(dirname "$path")"; cp -al "$path" "$ctx/src/$path"; done
  say "building $tag from $dockerfile"
  buildah build --layers --pull=never "${oci_flags[@]}" -f "$dockerfile" $args \
    --build-context build="$ctx" --build-context eclipse-temurin:17-jre=container-image://"$base_image" \
    -t "$tag" . >"$work/$name-buildah.log" 2>&1 \
    || { tail -30 "$work/$name-buildah.log" >&2; die "buildah build failed (log: $work/$name-buildah.log)"; }
  rm -rf "$ctx"
  say "built $tag ($(podman image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}
# FLAVOR given although it is the default: buildah 1.28 follows `FROM ${FLAVOR}` to the cpu stage only for a build
# argument of its command line, and otherwise skips that stage as unused ("cpu: image not known").
tools/fetch-model.sh .syncabel/models/all-minilm-l6-v2 # the build stage's default dense encoder (Maven Central)
build "$image" runtime-images/Dockerfile runtime "--build-arg FLAVOR=cpu" "$jar" runtime-images/runtime/target/lib \
  .syncabel/models/all-minilm-l6-v2
[ -z "$operator_image" ] || build "$operator_image" operator/controller/Dockerfile operator "" "$operator_app"

if [ -n "${OCI_ARCHIVE:-}" ]; then
  podman save --format oci-archive -o "$OCI_ARCHIVE" "$image"
  say "saved $OCI_ARCHIVE"
fi
