#!/usr/bin/env python3
"""Score dateline and other extractors on a folder of real pages with ground truth.

Usage: scripts/aeb/run.py EVAL_DIR [--tools dateline,trafilatura,...] [--repeat N]
                          [--details DIR]

EVAL_DIR holds the scorer `aeb_score.py` and the pages in `aeb/` (NAME.html and
ground-truth.json), as the Article Extraction Benchmark ships them. Every tool runs in
one process built from `scripts/aeb/peers` (dateline through its library, the Rust
crates through theirs), so the times compare extraction alone: each page's time is
the fastest of N extractions, parsing included. The table gives the benchmark's F1,
precision and recall, the pages with an empty story, the median and total time per
page and each tool's time as a multiple of dateline's.

The pages are not part of the repository; this script is not run by the tests.
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = ["dateline", "trafilatura", "trafilatura-fallback", "rs-trafilatura", "dom_smoothie"]


def load_scorer(eval_dir):
    spec = importlib.util.spec_from_file_location("aeb_score", os.path.join(eval_dir, "aeb_score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("eval_dir", help="folder holding aeb_score.py and aeb/")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--repeat", type=int, default=3, help="extractions per page; the fastest counts")
    ap.add_argument("--details", help="write each tool's per-page table into this folder")
    a = ap.parse_args()
    scorer = load_scorer(a.eval_dir)
    pages = os.path.join(a.eval_dir, "aeb")
    truth, urls = scorer.load_truth(pages)
    manifest = os.path.join(HERE, "peers", "Cargo.toml")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path", manifest], check=True)
    binary = os.path.join(HERE, "peers", "target", "release", "aeb-peers")
    rows = []
    for tool in a.tools.split(","):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([binary, tool, pages, out.name, "--repeat", str(a.repeat)], check=True)
            got = json.load(open(out.name, encoding="utf-8"))
        pred = {i: got.get(i, {}).get("articleBody", "") for i in truth}
        micros = [got[i]["micros"] for i in truth if i in got]
        m, per_page = scorer.score(truth, pred, 200)
        empty = sum(1 for i in truth if not scorer.tokens(pred[i]))
        if a.details:
            os.makedirs(a.details, exist_ok=True)
            info = {i: ("ok" if scorer.tokens(pred[i]) else "empty", got.get(i, {}).get("micros", 0) / 1e6) for i in truth}
            scorer.write_details(os.path.join(a.details, f"{tool}.txt"), tool, per_page, info, urls)
        rows.append((tool, m, empty, statistics.median(micros) / 1000, sum(micros) / 1000 / len(micros)))
    base = next((r[4] for r in rows if r[0] == "dateline"), None)
    print(f"{len(truth)} pages of {pages}; time: fastest of {a.repeat} in-process extractions per page\n")
    print(f"| extractor | F1 | precision | recall | empty pages | ms/page median | ms/page mean | mean time / dateline's |")
    print("|---|---|---|---|---|---|---|---|")
    for tool, m, empty, median, mean in rows:
        ratio = f"{mean / base:.2f}x" if base else "-"
        print(f"| {tool} | {m['f1']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | {empty} | {median:.2f} | {mean:.2f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
