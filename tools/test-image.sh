#!/usr/bin/env bash
# Runs the SynCABEL CLI inside the runtime image the way the operator's pods run it (RuntimePod): as the image's
# non-root user, read-only root filesystem, /tmp and the DJL cache as the only writable scratch (emptyDirs in the
# pod), all capabilities dropped, no privilege escalation, and no network at all, so DJL cannot download anything.
# It builds a KB, trains a tiny model for one epoch (libtorch loads from the image) and links a mention with it;
# every step's output is checked, and any difference fails the script (exit 1).
#
# Then, where OPERATOR_IMAGE exists (default localhost/syncabel-operator:dev), the operator image starts the same way
# (uid 10001, read-only root, no network): all five reconcilers register, and it stops only for want of an API server.
#
#   Usage: tools/test-image.sh [IMAGE]     IMAGE default localhost/syncabel-runtime:dev (tools/build-image-offline.sh)
#   Needs podman (apt-get install -y podman). Takes about a minute on 2 cores once the image exists. docs/images.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
image="${1:-${IMAGE:-localhost/syncabel-runtime:dev}}"
# The pod's paths and settings (operator/controller/.../RuntimePod.java): keep them in step.
djl_cache=/var/cache/syncabel/djl
uid=10001

fail() { echo "test-image: FAIL: $*" >&2; exit 1; }
say() { echo "test-image: $*" >&2; }

command -v podman >/dev/null || { echo "test-image: error: podman is missing: apt-get install -y podman" >&2; exit 2; }
source "$root/tools/oci-host.sh"
podman image exists "$image" || { echo "test-image: error: no image $image: run tools/build-image-offline.sh" >&2; exit 2; }

# What the kubelet checks for runAsNonRoot without runAsUser: a numeric, non-zero user in the image's config.
user="$(podman image inspect --format '{{.Config.User}}' "$image")"
[ "$user" = "$uid" ] || fail "the image's user is '$user', expected the numeric $uid (runAsNonRoot needs a numeric uid)"

out="$(mktemp -d "${TMPDIR:-/tmp}/syncabel-image-test.XXXXXX")"
trap 'rm -rf "$out"' EXIT
chmod 0777 "$out"   # the pod writes its outputs to the store; here, to a folder the non-root user may write

# The pod's container: emptyDirs are writable and allow executables (DJL dlopen()s libtorch from its cache), as here;
# podman applies its default seccomp profile, as RuntimeDefault does in the pod.
# shellcheck disable=SC2054 # the commas are tmpfs mount options
pod_flags=("${oci_flags[@]}" --rm --network none --read-only --read-only-tmpfs=false
  --cap-drop all --security-opt no-new-privileges
  --tmpfs /tmp:rw,exec,mode=1777 --tmpfs "$djl_cache:rw,exec,mode=1777"
  -e DJL_CACHE_DIR="$djl_cache"
  -e JDK_JAVA_OPTIONS="-Djava.io.tmpdir=/tmp -XX:MaxRAMPercentage=50"
  -e SYNCABEL_CPU_LIMIT=2 -e OMP_WAIT_POLICY=PASSIVE
  -v "$root/examples/quickstart/data:/data:ro" -v "$out:/out")
pod() { podman run "${pod_flags[@]}" "$image" "$@"; }

say "1/6 uid, read-only root, no capabilities, seccomp"
got="$(podman run "${pod_flags[@]}" --entrypoint sh "$image" -c 'id -u; grep -E "^(CapEff|Seccomp):" /proc/self/status
  for f in /opt/syncabel/x "$HOME/x" /x; do touch "$f" 2>&1; done; touch /tmp/x '"$djl_cache"'/x && echo scratch writable')" \
  || fail "a shell in the image: $got"
echo "$got" | head -1 | grep -qx "$uid" || fail "the container runs as uid $(echo "$got" | head -1), expected $uid"
echo "$got" | grep -q '^CapEff:[[:space:]]*0*$' || fail "the container keeps capabilities: $got"
echo "$got" | grep -q '^Seccomp:[[:space:]]*2$' || fail "no seccomp filter in the container: $got"
[ "$(echo "$got" | grep -c 'Read-only file system')" = 3 ] || fail "the root filesystem is writable: $got"
echo "$got" | grep -q '^scratch writable$' || fail "/tmp or $djl_cache is not writable: $got"

say "2/6 --version, UTF-8"
version="$(pod --version 2>&1)" || fail "--version: $version"
echo "$version" | grep -q '^syncabel [0-9]' || fail "--version printed: $version"
# Java 17 takes the charset of file names and of its output from the locale: accented names need a UTF-8 one.
props="$(podman run "${pod_flags[@]}" --entrypoint java "$image" -XshowSettings:properties -version 2>&1)" || fail "java: $props"
echo "$props" | grep -q 'sun.jnu.encoding = UTF-8' || fail "the JVM does not run with a UTF-8 locale: $(echo "$props" | grep encoding)"

say "3/6 kb build"
log="$(pod kb build --format dnorm --source /data/medic-slice.txt --out /out/kb 2>&1)" || fail "kb build: $log"
[ -f "$out/kb/manifest.json" ] || fail "kb build wrote no /out/kb/manifest.json: $log"

say "4/6 train (tiny model, one epoch of two steps, the image's dense encoder two updates; libtorch from the image, no network)"
# Five abstracts and 50 KB names: two optimiser steps, enough to run libtorch forward and backward.
awk 'BEGIN { RS = ""; ORS = "\n\n" } NR <= 5' examples/quickstart/data/ncbi-dev.pubtator >"$out/train.pubtator"
log="$(pod train --kb /out/kb --train /out/train.pubtator --size tiny --epochs 1 --vocab-size 600 \
  --synthetic-per-epoch 50 --no-reranker --dense-steps 2 --out /out/model 2>&1)" || fail "train: $log"
echo "$log" | grep -q "runtime's default encoder file:/opt/syncabel/models/all-minilm-l6-v2/" \
  || fail "train did not fine-tune the dense retriever from the image's all-MiniLM-L6-v2: $log"
[ -f "$out/model.dense/manifest.json" ] || fail "train wrote no /out/model.dense/manifest.json: $log"
engine="$(echo "$log" | grep '^engine: ' || true)"
echo "$engine" | grep -q "^engine: PyTorch 2\.7\.1 from $djl_cache/" \
  || fail "libtorch did not load from the DJL cache $djl_cache: ${engine:-no engine line}; log: $log"
echo "$log" | grep -qi 'download' && fail "DJL tried to download: $log"
[ -f "$out/model/manifest.json" ] || fail "train wrote no /out/model/manifest.json: $log"

say "5/6 link"
linked="$(pod link --model /out/model 'Families with [breast cancer]{DISO} were studied.' 2>/dev/null)" \
  || fail "link: $(pod link --model /out/model 'Families with [breast cancer]{DISO} were studied.' 2>&1)"
echo "$linked" | grep -q '"mention":"breast cancer".*"codes":\["D' || fail "link printed no result for the mention: $linked"

operator_image="${OPERATOR_IMAGE-localhost/syncabel-operator:dev}"
if [ -n "$operator_image" ] && podman image exists "$operator_image"; then
  say "6/6 operator image"
  user="$(podman image inspect --format '{{.Config.User}}' "$operator_image")"
  [ "$user" = "$uid" ] || fail "the operator image's user is '$user', expected the numeric $uid"
  # Without a cluster it exits once its informers find no API server; that it got there is what is checked.
  log="$(timeout 300 podman run "${oci_flags[@]}" --rm --network none --read-only --read-only-tmpfs=false \
    --cap-drop all --security-opt no-new-privileges --tmpfs /tmp:rw,mode=1777 "$operator_image" 2>&1 || true)"
  brief="$(echo "$log" | grep -v -E '^[[:space:]]+(at |\.\.\.)' | tail -40)"   # without the stack frames
  [ "$(echo "$log" | grep -c 'Registered reconciler')" = 5 ] || fail "the operator did not register its 5 reconcilers: $brief"
  echo "$log" | grep -q 'UnknownHostException: kubernetes.default.svc' || fail "the operator stopped for another reason: $brief"
else
  say "6/6 skipped: no operator image ${operator_image:-(OPERATOR_IMAGE empty)}"
fi

say "ok: $image runs as uid $uid on a read-only root, offline; $engine"
