# shellcheck shell=bash
# Sourced by tools/build-image-offline.sh and tools/test-image.sh: the podman/buildah flags a host needs where their
# defaults cannot start a container (both seen on this project's development machine; docs/images.md).
oci_flags=()
# A hybrid cgroup layout (v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified): crun refuses it with
# "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"; runc (Debian package runc) runs there.
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then
  command -v runc >/dev/null || { echo "error: /sys/fs/cgroup is not cgroup v2 and crun cannot run there: apt-get install -y runc" >&2; exit 2; }
  oci_flags+=(--runtime runc)
fi
# Without CAP_SYS_RESOURCE (bit 24 of the bounding set) the runtime cannot raise RLIMIT_NOFILE and RLIMIT_NPROC to
# podman's defaults ("setrlimit `RLIMIT_NOFILE`: Operation not permitted"): ask for less than this host's hard limits
# (nproc: the runtime's init refused anything above 32768 there, whatever the shell's limit, so 16384 at most).
if (( (16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status) >> 24 & 1) == 0 )); then
  nofile=$(( $(ulimit -Hn) / 2 )); nproc=$(( $(ulimit -Hu) / 2 )); (( nproc > 16384 )) && nproc=16384
  oci_flags+=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
fi
