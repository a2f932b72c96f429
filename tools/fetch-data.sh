#!/usr/bin/env bash
# Downloads the public data sets the data tests and benchmarks read, from their original publishers,
# into $SYNCABEL_DATA (default ../shared/data beside the repository; a relative path is taken from the
# repository root), in the layout the tests expect. Idempotent: a file already there is kept.
# Needs curl and unzip (or python3).
#
#   ncbi-disease/{train,devel,test}/*.txt   NCBI Disease corpus (Dogan, Leaman & Lu 2014), PubTator format,
#                                          from NCBI: https://www.ncbi.nlm.nih.gov/CBBresearch/Dogan/DISEASE/
#   ncbi-disease/CTD_diseases.tsv.gz        MEDIC, current release, from CTD: https://ctdbase.org/downloads/
#                                          (`kb build --format ctd` reads it as is)
#   ncbi-disease/medic_06Jul2012.txt        MEDIC of 2012-07-06 in DNorm format, the vocabulary the corpus was
#                                          annotated against; CTD serves only its current release, so this
#                                          snapshot comes from MEDIC_2012_URL when set (e.g. a copy of the file
#                                          redistributed with DNorm-based tools such as BioSyn); skipped otherwise
#   syncabel-predictions/SPACCC/*.tsv      predictions released with SynCABEL (MIT), from SPACCC_PREDICTIONS_URL
#                                          (a folder URL holding Llama_guided_with{,out}_SynCABEL.tsv) when set
# Tests whose file is still missing are skipped locally (their message names this script) and fail
# under CI=true.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${SYNCABEL_DATA:-../shared/data}"
case "$data" in /*) ;; *) data="$root/$data" ;; esac
ncbi_site="https://www.ncbi.nlm.nih.gov/CBBresearch/Dogan/DISEASE"
ctd_medic="https://ctdbase.org/reports/CTD_diseases.tsv.gz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # url dest
  if [ -s "$2" ]; then
    echo "have $2"
    return
  fi
  mkdir -p "$(dirname "$2")"
  echo "fetch $1"
  curl -fsSL --retry 3 -o "$2.part" "$1"
  mv "$2.part" "$2"
}

unzip_one() { # zip member dest
  if command -v unzip >/dev/null; then
    unzip -p "$1" "$2" >"$3.part"
  else
    python3 -c "import zipfile,sys; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))" \
      "$1" "$2" >"$3.part"
  fi
  mv "$3.part" "$3"
}

for split in train:NCBItrainset devel:NCBIdevelopset test:NCBItestset; do
  dir="${split%%:*}" name="${split#*:}_corpus"
  dest="$data/ncbi-disease/$dir/$name.txt"
  if [ -s "$dest" ]; then
    echo "have $dest"
    continue
  fi
  fetch "$ncbi_site/$name.zip" "$work/$name.zip"
  mkdir -p "$(dirname "$dest")"
  unzip_one "$work/$name.zip" "$name.txt" "$dest"
done
fetch "$ctd_medic" "$data/ncbi-disease/CTD_diseases.tsv.gz"

if [ -n "${MEDIC_2012_URL:-}" ]; then
  fetch "$MEDIC_2012_URL" "$data/ncbi-disease/medic_06Jul2012.txt"
elif [ ! -s "$data/ncbi-disease/medic_06Jul2012.txt" ]; then
  echo "skip medic_06Jul2012.txt: CTD no longer serves the 2012 snapshot; set MEDIC_2012_URL to a copy" >&2
fi
if [ -n "${SPACCC_PREDICTIONS_URL:-}" ]; then
  for f in Llama_guided_with_SynCABEL.tsv Llama_guided_without_SynCABEL.tsv; do
    fetch "${SPACCC_PREDICTIONS_URL%/}/$f" "$data/syncabel-predictions/SPACCC/$f"
  done
elif [ ! -d "$data/syncabel-predictions/SPACCC" ]; then
  echo "skip SPACCC predictions: set SPACCC_PREDICTIONS_URL to the folder SynCABEL released them in" >&2
fi
echo "data in $data"
