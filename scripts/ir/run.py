#!/usr/bin/env python3
"""Rank the judged test collections with dateline (queries typed as is) and, with
--peers, with Lucene BM25 and SQLite FTS5 in the same run; print one table.

Usage: scripts/ir/run.py EVAL_DIR [--binary target/release/dateline] [--peers]
                         [--collections time,cranfield,...]

EVAL_DIR holds `ir_score.py`, `ir_peers.py` and the collections in `ir/` (docs.jsonl,
queries.jsonl, qrels.tsv each). Lucene needs Java 21 or newer (ir_peers.py finds it
under /usr/lib/jvm and fetches Anserini once with pip). The collections are not part
of the repository; this script is not run by the tests.
"""
import argparse
import os
import re
import subprocess
import sys

COLLECTIONS = ["time", "cranfield", "cisi", "medline", "cacm", "npl"]
NAMES = {"time": "TIME", "cranfield": "Cranfield", "cisi": "CISI", "medline": "Medline", "cacm": "CACM", "npl": "NPL"}
FIGURES = re.compile(r"^(\S+) (.*?): MAP ([0-9.]+) nDCG@10 ([0-9.]+)")


def summaries(command):
    """The (system, nDCG@10, MAP) of every summary line a scorer prints."""
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{out.stderr[-2000:]}")
    rows = []
    for line in out.stdout.splitlines():
        match = FIGURES.match(line)
        if match:
            refused = re.search(r"refused (\d+)", line)
            rows.append((match.group(2), float(match.group(4)), float(match.group(3)),
                         refused.group(1) if refused else ""))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("eval_dir")
    ap.add_argument("--binary", default="target/release/dateline")
    ap.add_argument("--peers", action="store_true", help="also run Lucene BM25 and SQLite FTS5")
    ap.add_argument("--collections", default=",".join(COLLECTIONS))
    args = ap.parse_args()
    collections = args.collections.split(",")
    table = {}  # system -> collection -> "nDCG (MAP)"
    refused = {}
    for c in collections:
        folder = os.path.join(args.eval_dir, "ir", c)
        runs = [[sys.executable, os.path.join(args.eval_dir, "ir_score.py"), args.binary, folder,
                 "--mode", "typed"]]
        if args.peers:
            for engine in ["lucene", "fts5"]:
                runs.append([sys.executable, os.path.join(args.eval_dir, "ir_peers.py"), folder,
                             "--engine", engine])
        for command in runs:
            for system, ndcg, map_, rejected in summaries(command):
                name = "dateline, typed as is" if system == "mode typed" else system
                table.setdefault(name, {})[c] = f"{ndcg:.3f} ({map_:.3f})"
                if rejected:
                    refused[c] = refused.get(c, 0) + int(rejected)
    print("nDCG@10 (MAP):\n")
    print("| | " + " | ".join(NAMES.get(c, c) for c in collections) + " |")
    print("|---" * (len(collections) + 1) + "|")
    for system, row in table.items():
        print(f"| {system} | " + " | ".join(row.get(c, "") for c in collections) + " |")
    print(f"\nqueries refused: {sum(refused.values())}")


if __name__ == "__main__":
    main()
