#!/usr/bin/env python3
"""Runs the benchmark on one corpus made by build_corpus.py: dateline, SQLite FTS5,
tantivy-cli and ripgrep side by side, in the same run, on the same machine.

  run.py --corpus DIR [--threads 2] [--runs 20] [--process-runs 3] [--out FILE]

Prints one table of absolute figures and ratios (dateline / peer, or peer / dateline
where higher is better for dateline) and writes every figure as JSON.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import queries as query_set  # noqa: E402
import sqlite_fts  # noqa: E402

DATELINE = os.path.join(ROOT, "target", "release", "dateline")

TANTIVY_META = {
    "index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
    "segments": [],
    "schema": [
        {"name": "title", "type": "text", "options": {"indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"}, "stored": True, "fast": False}},
        {"name": "body", "type": "text", "options": {"indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"}, "stored": True, "fast": False}},
        {"name": "date", "type": "date", "options": {"indexed": False, "fieldnorms": False, "fast": True, "stored": True, "precision": "seconds"}},
        {"name": "id", "type": "u64", "options": {"indexed": False, "fieldnorms": False, "fast": False, "stored": True}},
    ],
    "opstamp": 0,
}


def timed(cmd):
    """Runs a command; returns (seconds, peak RSS in MB, peak anonymous memory in MB,
    output), sampled from /proc every 20 ms. RSS counts index files mapped into
    memory (page cache the kernel can reclaim); anonymous memory is the process's own."""
    started = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = {"VmHWM:": 0, "RssAnon:": 0}
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    key = line.split(maxsplit=1)[0] if line.strip() else ""
                    if key in peak:
                        peak[key] = max(peak[key], int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    output = p.stdout.read()
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {output[-2000:]}")
    return elapsed, peak["VmHWM:"] / 1024, peak["RssAnon:"] / 1024, output


def warm(path):
    """Reads every file under `path` once, so that each engine's timed run finds its
    input in the page cache (the first engine would otherwise pay for the disk)."""
    paths = [path] if os.path.isfile(path) else [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs]
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 20):
                pass


def size_mb(path):
    if os.path.isfile(path):
        return os.path.getsize(path) / 1e6
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs) / 1e6


def stats(ms):
    ms = sorted(ms)
    pick = lambda p: ms[min(len(ms) - 1, round((len(ms) - 1) * p))]
    return {"median_ms": statistics.median(ms), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "n": len(ms)}


def process_latencies(commands, runs):
    times = []
    for cmd in commands:
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append((time.perf_counter() - started) * 1000)
    return times


def change_files(raw, share, rng):
    """Edits a story line in `share` of the text and HTML files; returns the originals."""
    files = [os.path.join(d, f) for d, _, fs in os.walk(raw) for f in fs if f.endswith((".txt", ".html"))]
    chosen = rng.sample(files, max(1, int(len(files) * share)))
    originals = {}
    for path in chosen:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        originals[path] = text
        marker = " \u2014 "
        at = text.find(marker)
        edited = text[:at] + marker + "Updated: " + text[at + len(marker):] if at >= 0 else text + "\nUpdated.\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(edited)
    return originals


def run_dateline(corpus, work, args, qs, results):
    raw = os.path.join(corpus, "raw")
    index = os.path.join(work, "dateline-index")
    shutil.rmtree(index, ignore_errors=True)
    threads = ["--threads", str(args.threads)]
    warm(raw)
    first = timed([DATELINE, "index", raw, "--index", index, "-q"] + threads)
    again = timed([DATELINE, "index", raw, "--index", index, "-q"] + threads)
    originals = change_files(raw, 0.01, random.Random(7))
    changed = timed([DATELINE, "index", raw, "--index", index, "-q"] + threads)
    for path, text in originals.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    restored = timed([DATELINE, "index", raw, "--index", index, "-q"] + threads)
    # tantivy alone with dateline's schema and analyzer, on the cleaned text the peers get.
    loaded = os.path.join(work, "dateline-load")
    shutil.rmtree(loaded, ignore_errors=True)
    clean = os.path.join(corpus, "clean.jsonl")
    warm(clean)
    load = timed([bench_binary("load"), "--clean", clean, "--index", loaded] + threads)
    results["dateline"] = {
        "index_s": first[0], "index_rss_mb": first[1], "index_anon_mb": first[2], "index_mb": size_mb(index),
        "reindex_unchanged_s": again[0], "reindex_1pct_s": changed[0], "reindex_restore_s": restored[0],
        "changed_files": len(originals),
        "load_s": load[0], "load_anon_mb": load[2],
    }
    qfile = os.path.join(work, "dateline-queries.jsonl")
    with open(qfile, "w") as f:
        for q in qs:
            f.write(json.dumps({"name": q["name"], **q["dateline"]}) + "\n")
    bench_out = os.path.join(work, "dateline-inprocess.json")
    subprocess.run(
        ["cargo", "bench", "-q", "--bench", "search", "--", "--index", index, "--queries", qfile,
         "--runs", str(args.runs), "--out", bench_out],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    inproc = json.load(open(bench_out))
    results["dateline"]["search_inprocess"] = stats([t for q in inproc["queries"].values() for t in q["ms"]])
    results["dateline"]["search_inprocess_dated"] = stats(
        [t for name, q in inproc["queries"].items() if "@" in name for t in q["ms"]])
    commands = []
    for q in qs:
        d = q["dateline"]
        cmd = [DATELINE, "search", d["query"], "--index", index, "--color", "never"]
        if d.get("since"):
            cmd += ["--since", d["since"], "--until", d["until"]]
        if d.get("sort"):
            cmd += ["--sort", d["sort"]]
        commands.append(cmd)
    results["dateline"]["search_process"] = stats(process_latencies(commands, args.process_runs))
    rg_commands = [c for c, q in zip(commands, qs) if q["rg"]]
    results["dateline"]["search_process_rg_set"] = stats(process_latencies(rg_commands, args.process_runs))


def bench_binary(name):
    """The path of one of the repository's bench binaries, built in release mode."""
    out = subprocess.run(["cargo", "bench", "--no-run", "--bench", name, "--message-format=json", "-q"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message["target"]["name"] == name \
                and message.get("executable"):
            return message["executable"]
    raise SystemExit(f"cargo built no bench binary named {name}")


def run_sqlite(corpus, work, args, qs, results):
    db = os.path.join(work, "fts5.db")
    if os.path.exists(db):
        os.remove(db)
    warm(os.path.join(corpus, "clean.jsonl"))
    load = timed([sys.executable, os.path.join(HERE, "sqlite_fts.py"), "load", os.path.join(corpus, "clean.jsonl"), db])
    qjson = os.path.join(work, "queries.json")
    with open(qjson, "w") as f:
        json.dump(qs, f)
    out = subprocess.run([sys.executable, os.path.join(HERE, "sqlite_fts.py"), "search", db, qjson, str(args.runs)],
                         capture_output=True, text=True, check=True).stdout
    inproc = json.loads(out)
    commands = []
    for q in qs:
        statement, params = sqlite_fts.sql(q)
        for p in params:
            statement = statement.replace("?", "'" + str(p).replace("'", "''") + "'", 1)
        commands.append(["sqlite3", db, statement])
    results["sqlite"] = {
        "index_s": load[0], "index_rss_mb": load[1], "index_anon_mb": load[2], "index_mb": size_mb(db),
        "search_inprocess": stats([t for ts in inproc.values() for t in ts]),
        "search_inprocess_dated": stats([t for name, ts in inproc.items() if "@" in name for t in ts]),
        "search_process": stats(process_latencies(commands, args.process_runs)),
    }


def run_tantivy_cli(corpus, work, args, qs, results):
    if not shutil.which("tantivy"):
        results["tantivy-cli"] = {"skipped": "tantivy not on PATH (cargo install tantivy-cli)"}
        return
    index = os.path.join(work, "tantivy-index")
    shutil.rmtree(index, ignore_errors=True)
    os.makedirs(index)
    with open(os.path.join(index, "meta.json"), "w") as f:
        json.dump(TANTIVY_META, f)
    docs = os.path.join(work, "tantivy-docs.jsonl")
    with open(os.path.join(corpus, "clean.jsonl"), encoding="utf-8") as src, open(docs, "w", encoding="utf-8") as dst:
        for line in src:
            a = json.loads(line)
            doc = {"title": a["title"], "body": a["body"], "id": a["id"]}
            if a["date"]:
                doc["date"] = a["date"] + "T00:00:00Z"
            dst.write(json.dumps(doc, ensure_ascii=False) + "\n")
    warm(docs)
    load = timed(["tantivy", "index", "-i", index, "-t", str(args.threads), "-f", docs])
    qfile = os.path.join(work, "tantivy-queries.txt")
    with open(qfile, "w") as f:
        f.write("\n".join(q["tantivy"] for q in qs) + "\n")
    out = subprocess.run(["tantivy", "bench", "-i", index, "-q", qfile, "-n", str(args.runs)],
                         capture_output=True, text=True).stdout
    # The output has a COUNT then a FETCH STORE section of "query<TAB>microseconds".
    fetch = out.split("FETCH STORE", 1)[-1]
    times = [int(line.rsplit("\t", 1)[1]) / 1000 for line in fetch.splitlines()
             if "\t" in line and line.rsplit("\t", 1)[1].isdigit()]
    dated = [int(line.rsplit("\t", 1)[1]) / 1000 for line in fetch.splitlines()
             if "\t" in line and line.rsplit("\t", 1)[1].isdigit() and "date:" in line]
    results["tantivy-cli"] = {
        "index_s": load[0], "index_rss_mb": load[1], "index_anon_mb": load[2], "index_mb": size_mb(index),
        "search_inprocess": stats(times) if times else None,
        "search_inprocess_dated": stats(dated) if dated else None,
        "note": "tantivy bench: top 10 with stored documents fetched, no snippets",
    }


def run_ripgrep(corpus, work, args, qs, results):
    raw = os.path.join(corpus, "raw")
    commands = []
    for q in qs:
        if not q["rg"]:
            continue
        pattern, fixed = q["rg"]
        commands.append(["rg", "-l", "-i", "--no-messages"] + (["-F"] if fixed else ["-w"]) + [pattern, raw])
    results["ripgrep"] = {"search_process": stats(process_latencies(commands, args.process_runs))}


def table(results, corpus_info):
    d, s, t, r = (results.get(k, {}) for k in ("dateline", "sqlite", "tantivy-cli", "ripgrep"))
    mb = corpus_info["raw_bytes"] / 1e6
    n = corpus_info["articles"]
    rows = []

    def row(name, dv, sv=None, tv=None, rv=None, unit="", better_low=True):
        def fmt(v):
            return "-" if v is None else f"{v:.3g}{unit}"
        def ratio(peer):
            if peer is None or dv in (None, 0):
                return "-"
            return f"{(peer / dv) if better_low else (dv / peer):.2f}x"
        rows.append((name, fmt(dv), fmt(sv), fmt(tv), fmt(rv), ratio(sv), ratio(tv), ratio(rv)))

    get = lambda x, *keys: (lambda v: v)(x.get(keys[0]) if len(keys) == 1 else (x.get(keys[0]) or {}).get(keys[1]))
    row("index wall (s)", get(d, "index_s"), get(s, "index_s"), get(t, "index_s"))
    row("  of which tantivy alone, dateline's schema, cleaned text (s)", get(d, "load_s"),
        get(s, "index_s"), get(t, "index_s"))
    if d.get("load_s"):
        row("  of which reading, cleaning, learning (s)", d["index_s"] - d["load_s"])
    row("index docs/s", n / d["index_s"], n / s["index_s"] if s else None,
        n / t["index_s"] if t.get("index_s") else None, better_low=False)
    row("index MB/s of raw input", mb / d["index_s"], mb / s["index_s"] if s else None,
        mb / t["index_s"] if t.get("index_s") else None, better_low=False)
    row("index peak RSS (MB)", get(d, "index_rss_mb"), get(s, "index_rss_mb"), get(t, "index_rss_mb"))
    row("index peak anonymous memory (MB)", get(d, "index_anon_mb"), get(s, "index_anon_mb"), get(t, "index_anon_mb"))
    row("index size / raw text", get(d, "index_mb") / mb, get(s, "index_mb") / mb if s else None,
        get(t, "index_mb") / mb if t.get("index_mb") else None)
    row("re-index unchanged (s)", get(d, "reindex_unchanged_s"))
    row("re-index after 1% changed (s)", get(d, "reindex_1pct_s"))
    for key, label in [("median_ms", "median"), ("p95_ms", "p95"), ("p99_ms", "p99")]:
        row(f"search in-process {label} (ms)", get(d, "search_inprocess", key), get(s, "search_inprocess", key),
            get(t, "search_inprocess", key))
    row("search in-process, date range, median (ms)", get(d, "search_inprocess_dated", "median_ms"),
        get(s, "search_inprocess_dated", "median_ms"), get(t, "search_inprocess_dated", "median_ms"))
    row("search process median (ms)", get(d, "search_process", "median_ms"), get(s, "search_process", "median_ms"))
    row("search process median, ripgrep's queries (ms)", get(d, "search_process_rg_set", "median_ms"),
        None, None, get(r, "search_process", "median_ms"))
    header = ("metric", "dateline", "sqlite-fts5", "tantivy-cli", "ripgrep", "vs sqlite", "vs tantivy", "vs rg")
    widths = [max(len(str(x[i])) for x in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in [header] + rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20, help="repeats of each query in-process")
    parser.add_argument("--process-runs", type=int, default=3, help="repeats of each query as a process")
    parser.add_argument("--out", default=None)
    parser.add_argument("--only", default="dateline,sqlite,tantivy-cli,ripgrep")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    info = json.load(open(os.path.join(corpus, "corpus.json")))
    work = os.path.join(corpus, "work")
    os.makedirs(work, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    qs = query_set.queries()
    results = {"corpus": info, "threads": args.threads, "queries": len(qs),
               "date": time.strftime("%Y-%m-%d"), "machine": machine()}
    steps = {"dateline": run_dateline, "sqlite": run_sqlite, "tantivy-cli": run_tantivy_cli, "ripgrep": run_ripgrep}
    for name in args.only.split(","):
        print(f"running {name} ...", file=sys.stderr)
        steps[name](corpus, work, args, qs, results)
    text = table(results, info)
    print(f"{info['articles']} articles, {info['raw_bytes'] / 1e6:.0f} MB raw, {len(qs)} queries, "
          f"{args.threads} threads, {results['machine']}, {results['date']}\n")
    print(text)
    results["table"] = text
    out = args.out or os.path.join(corpus, "results.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=2)


def machine():
    cpu = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}"


if __name__ == "__main__":
    main()
