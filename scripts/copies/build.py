#!/usr/bin/env python3
"""Builds a corpus of copies with known edits from the sample corpus's articles, to
measure how dateline groups copies.

Each sample article with a story of at least 120 words is a story. It is written
again as text files of made-up sites, each with the site's header block and
boilerplate around it: unchanged, under another headline, with a sentence
inserted, with a paragraph cut, with all of these at once, and rewritten harder
(two paragraphs cut, two sentences added, the lede's first sentence dropped).
Distinct stories
that share wording are added: pairs of stories given the same background
paragraph, and a series of short market briefs written from one template. The
files go to DIR/corpus; the answer (which files tell the same story) to
DIR/truth.jsonl.

    scripts/copies/build.py --out DIR [--dateline target/release/dateline]
"""

import argparse
import json
import random
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SITES = {
    "gulf-courier": [
        "Gulf Courier | Home | World | Business | Sport",
        "Subscribe to the Gulf Courier for unlimited access.",
        "Copyright Gulf Courier. All rights reserved.",
    ],
    "delta-times": [
        "Delta Times - news from the river delta",
        "Sign up for the Delta Times evening newsletter.",
        "Support independent journalism in the delta: donate today.",
    ],
    "mountain-ledger": [
        "THE MOUNTAIN LEDGER",
        "Read more stories from the Mountain Ledger on our app.",
        "Comments are closed for this story.",
    ],
    "plains-post": [
        "Plains Post / Regional",
        "Share this story on Facebook, Twitter or by email.",
        "The Plains Post is published by Plains Media Group.",
    ],
}

INSERTED = [
    "Officials said a fuller statement would follow later in the week.",
    "The regional governor's office did not answer requests for comment on Tuesday.",
    "Local residents said they had heard nothing about the plans until this week.",
    "A spokesperson for the ministry declined to give further details.",
]

BACKGROUND = (
    "The region has faced repeated droughts over the past decade, and officials have "
    "warned that water shortages could become a permanent feature of life in the south "
    "unless farms and cities change how they use the rivers that feed them."
)


def sample_articles(dateline):
    """The sample corpus's articles as dateline cleans them."""
    articles = []
    for path in sorted((ROOT / "sample-corpus").rglob("*")):
        if not path.is_file() or path.name == "manifest.jsonl":
            continue
        run = subprocess.run(
            [dateline, "clean", "--json", str(path)],
            capture_output=True, text=True, cwd=ROOT,
        )
        if not run.stdout.strip():
            continue
        found = json.loads(run.stdout)
        for article in found if isinstance(found, list) else [found]:
            if len(article["body"].split()) >= 120:
                articles.append(article)
    # One of each story (the sample corpus holds a few copies of its own).
    seen, unique = set(), []
    for article in articles:
        key = " ".join(article["body"].split()[:30])
        if key not in seen:
            seen.add(key)
            unique.append(article)
    return unique


def write(out, site, name, title, date, body, truth, story):
    lines = SITES[site]
    header = f"Title: {title}\n" + (f"Date: {date}\n" if date else "") + f"Source: {site}\n\n"
    text = header + lines[0] + "\n\n" + title + "\n\n" + body + "\n\n" + "\n".join(lines[1:]) + "\n"
    path = out / "corpus" / site / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    truth.append({"file": str(path.relative_to(out)), "story": story})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--dateline", default=str(ROOT / "target/release/dateline"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    truth = []
    articles = sample_articles(args.dateline)
    sites = list(SITES)
    for n, article in enumerate(articles):
        story = f"s{n}"
        paragraphs = [p for p in article["body"].split("\n") if p.strip()]
        title, date = article["title"], article.get("date")
        site = sites[n % len(sites)]
        others = [s for s in sites if s != site]
        write(out, site, f"{story}-original", title, date, "\n\n".join(paragraphs), truth, story)
        write(out, others[0], f"{story}-exact", title, date, "\n\n".join(paragraphs), truth, story)
        write(out, others[1], f"{story}-headline", "Wire: " + " ".join(reversed(title.split()[:6])), date,
              "\n\n".join(paragraphs), truth, story)
        inserted = list(paragraphs)
        inserted.insert(rng.randrange(1, len(inserted) + 1), rng.choice(INSERTED))
        write(out, others[2], f"{story}-inserted", title, date, "\n\n".join(inserted), truth, story)
        if len(paragraphs) > 3:
            cut = list(paragraphs)
            del cut[rng.randrange(1, len(cut))]
            write(out, others[0], f"{story}-cut", title, date, "\n\n".join(cut), truth, story)
            both = list(cut)
            both.insert(rng.randrange(1, len(both) + 1), rng.choice(INSERTED))
            write(out, others[1], f"{story}-edited", "Update: " + title, date, "\n\n".join(both), truth, story)
        if len(paragraphs) > 5:
            hard = list(paragraphs)
            for _ in range(2):
                del hard[rng.randrange(1, len(hard))]
            for sentence in rng.sample(INSERTED, 2):
                hard.insert(rng.randrange(1, len(hard) + 1), sentence)
            lede = hard[0].split(". ", 1)
            hard[0] = lede[1] if len(lede) == 2 else hard[0]
            write(out, others[2], f"{story}-rewritten", "Analysis: " + title, date, "\n\n".join(hard), truth, story)
    # Distinct stories given the same background paragraph: each stays apart from the
    # others (and from the story it was made from, whose words it shares but for one
    # paragraph: it is that story's copy).
    for n, article in enumerate(articles[:12]):
        paragraphs = [p for p in article["body"].split("\n") if p.strip()]
        # Only the first paragraph and the background: a new, short story.
        body = paragraphs[0] + "\n\n" + BACKGROUND
        write(out, sites[n % len(sites)], f"b{n}-background", "Background: " + article["title"],
              article.get("date"), body, truth, f"b{n}")
    # A series of market briefs from one template.
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    for n in range(25):
        move = rng.choice(["rose", "fell"])
        body = (
            f"Oil prices {move} on {days[n % 5]} as traders weighed the outlook for supply. "
            f"Brent crude {move} {rng.randint(1, 30) / 10:.1f} percent to {rng.randint(700, 950) / 10:.2f} "
            f"dollars a barrel, while the tenge traded at {rng.randint(4300, 5100) / 10:.1f} to the dollar."
        )
        write(out, "plains-post", f"brief-{n:02}", f"Markets: oil prices {move}", f"2023-{1 + n // 5:02}-{1 + n:02}",
              body, truth, f"brief{n}")
    with open(out / "truth.jsonl", "w") as f:
        for entry in truth:
            f.write(json.dumps(entry) + "\n")
    print(f"{len(truth)} files, {len({t['story'] for t in truth})} stories, in {out}")


if __name__ == "__main__":
    main()
