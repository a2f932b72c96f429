#!/usr/bin/env python3
"""Rebuilds the quickstart slice from ../shared/data (run from this folder; deterministic).

Picks the first 80 NCBI-disease training abstracts, the first 10 development abstracts and the first
25 test abstracts, keeps them unchanged in PubTator format, and writes the MEDIC concepts they mention
plus 200 seeded-random other MEDIC concepts (distractors) in MEDIC's own DNorm format.
"""
import random, re, sys
from pathlib import Path

SRC = Path(sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/data/ncbi-disease")

def docs(path):
    block = []
    for line in open(path, encoding="utf-8"):
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block

def take(name, rel, n):
    chosen = list(docs(SRC / rel))[:n]
    with open(name, "w", encoding="utf-8") as out:
        for block in chosen:
            out.writelines(block)
            out.write("\n")
    ids = set()
    for block in chosen:
        for line in block:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 6:
                ids.update(i.strip() for i in re.split(r"[|+]", cols[5]) if i.strip())
    return ids

gold = set()
gold |= take("ncbi-train.pubtator", "train/NCBItrainset_corpus.txt", 80)
gold |= take("ncbi-dev.pubtator", "devel/NCBIdevelopset_corpus.txt", 10)
gold |= take("ncbi-test.pubtator", "test/NCBItestset_corpus.txt", 25)
gold = {g.removeprefix("OMIM:") for g in gold}

lines = open(SRC / "medic_06Jul2012.txt", encoding="utf-8").read().splitlines()
def ids_of(line):
    return line.split("||", 1)[0].split("|")
kept = [l for l in lines if gold & set(ids_of(l))]
others = [l for l in lines if not (gold & set(ids_of(l)))]
kept += random.Random(42).sample(others, 200)
with open("medic-slice.txt", "w", encoding="utf-8") as out:
    for line in sorted(kept):
        out.write(line + "\n")
print(f"concepts={len(kept)} gold_ids={len(gold)}")
