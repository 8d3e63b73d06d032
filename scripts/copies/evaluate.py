#!/usr/bin/env python3
"""Measures how dateline groups copies on a corpus built by build.py: indexes it,
reads which articles each hit names as its copies, and scores the pairs of
articles grouped together against truth.jsonl (precision and recall of pairs).

    scripts/copies/evaluate.py DIR [--dateline target/release/dateline]
"""

import argparse
import itertools
import json
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--dateline", default=str(ROOT / "target/release/dateline"))
    args = parser.parse_args()
    corpus = Path(args.corpus).resolve()
    truth = {}
    for line in open(corpus / "truth.jsonl"):
        entry = json.loads(line)
        truth[str(corpus / entry["file"])] = entry["story"]
    with tempfile.TemporaryDirectory() as index:
        subprocess.run(
            [args.dateline, "index", str(corpus / "corpus"), "--index", index, "--quiet"],
            check=False,
        )
        by_id, copies, offset = {}, {}, 0
        while True:
            run = subprocess.run(
                [args.dateline, "search", "*", "--all-copies", "--json", "--limit", "1000",
                 "--offset", str(offset), "--index", index],
                capture_output=True, text=True, check=False,
            )
            results = json.loads(run.stdout)
            for hit in results["hits"]:
                by_id[hit["id"]] = str(Path(hit["path"]).resolve())
                copies[hit["id"]] = [c["id"] for c in hit.get("copies", [])]
            offset += len(results["hits"])
            if not results["hits"] or offset >= results["total"]:
                break
    found = set()
    for article, others in copies.items():
        for other in others:
            found.add(frozenset((by_id[article], by_id[other])))
    files = [f for f in truth if f in set(by_id.values())]
    expected = {
        frozenset(pair)
        for pair in itertools.combinations(files, 2)
        if truth[pair[0]] == truth[pair[1]]
    }
    right = len(found & expected)
    precision = right / len(found) if found else 1.0
    recall = right / len(expected) if expected else 1.0
    print(json.dumps({
        "articles": len(by_id),
        "stories": len(set(truth.values())),
        "pairs_expected": len(expected),
        "pairs_found": len(found),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }))
    for pair in sorted(found - expected, key=sorted)[:10]:
        print("grouped, but different stories:", *sorted(Path(p).name for p in pair))
    for pair in sorted(expected - found, key=sorted)[:10]:
        print("one story, not grouped:", *sorted(Path(p).name for p in pair))


if __name__ == "__main__":
    main()
