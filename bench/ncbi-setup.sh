# Sourced by bench/ncbi-disease and bench/ncbi-dev, with $data and $out set, from the repository root: builds the
# runtime jar, defines run, builds the MEDIC knowledge base once, and splits the dev split by document (odd PMIDs are
# trained on, even PMIDs held out), the same way for both, so the dev loop measures the bench's held-out documents.
./mvnw -q -B -pl runtime-images/runtime -am package -DskipTests
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$PWD/target/djl-cache}
run() { java -Xmx6g -Dai.djl.offline=true -jar runtime-images/runtime/target/syncabel-runtime.jar "$@"; }

[ -f "$out/kb/manifest.json" ] || run kb build --format dnorm --source "$data/medic_06Jul2012.txt" --out "$out/kb" >/dev/null
awk -v RS= -v ORS='\n\n' -F'|' '$1 % 2 == 1' "$data/devel/NCBIdevelopset_corpus.txt" > "$out/dev-fold.txt"
awk -v RS= -v ORS='\n\n' -F'|' '$1 % 2 == 0' "$data/devel/NCBIdevelopset_corpus.txt" > "$out/dev-held.txt"
