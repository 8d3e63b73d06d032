"""The fixed query set of the benchmark, written once and translated for each engine.

Each query is searched as is and again limited to one year; `*` queries list a
year's articles newest first.
"""

# (name, kind, words): words are AND-ed unless kind says otherwise.
BASE = [
    ("rare-rostenkowski", "word", ["rostenkowski"]),
    ("rare-sorghum", "word", ["sorghum"]),
    ("rare-fiduciary", "word", ["fiduciary"]),
    ("rare-monsoon", "word", ["monsoon"]),
    ("rare-jtreg", "word", ["jtreg"]),
    ("rare-gasohol", "word", ["gasohol"]),
    ("rare-copra", "word", ["copra"]),
    ("rare-quarantine", "word", ["quarantine"]),
    ("common-government", "word", ["government"]),
    ("common-people", "word", ["people"]),
    ("common-year", "word", ["year"]),
    ("common-market", "word", ["market"]),
    ("common-congress", "word", ["congress"]),
    ("and2-trade-deficit", "and", ["trade", "deficit"]),
    ("and2-wheat-exports", "and", ["wheat", "exports"]),
    ("and2-tax-cuts", "and", ["tax", "cuts"]),
    ("and2-oil-prices", "and", ["oil", "prices"]),
    ("and2-federal-budget", "and", ["federal", "budget"]),
    ("and3-grain-prices-farmers", "and", ["grain", "prices", "farmers"]),
    ("and3-nuclear-weapons-treaty", "and", ["nuclear", "weapons", "treaty"]),
    ("and3-world-peace-freedom", "and", ["world", "peace", "freedom"]),
    ("phrase-united-states", "phrase", ["united", "states"]),
    ("phrase-health-care", "phrase", ["health", "care"]),
    ("phrase-interest-rates", "phrase", ["interest", "rates"]),
    ("phrase-soviet-union", "phrase", ["soviet", "union"]),
    ("or-wheat-corn", "or", ["wheat", "corn"]),
    ("or-inflation-unemployment", "or", ["inflation", "unemployment"]),
    ("not-trade-japan", "not", ["trade", "japan"]),
    ("not-tax-income", "not", ["tax", "income"]),
]

YEARS = [1985, 1994, 2003, 2012, 2021]


def dateline_query(kind, words):
    if kind == "phrase":
        return '"' + " ".join(words) + '"'
    if kind == "or":
        return " OR ".join(words)
    if kind == "not":
        return f"{words[0]} -{words[1]}"
    return " ".join(words)


def fts5_query(kind, words):
    if kind == "phrase":
        return '"' + " ".join(words) + '"'
    if kind == "or":
        return " OR ".join(words)
    if kind == "not":
        return f"{words[0]} NOT {words[1]}"
    return " AND ".join(words)


def tantivy_query(kind, words):
    if kind == "phrase":
        return '"' + " ".join(words) + '"'
    if kind == "or":
        return " OR ".join(words)
    if kind == "not":
        return f"+{words[0]} -{words[1]}"
    return " AND ".join(words)


def rg_pattern(kind, words):
    """What ripgrep looks for: the phrase, or the first word (a lower bound of the
    work of a ranked AND query, which ripgrep cannot run)."""
    if kind == "phrase":
        return " ".join(words), True
    return words[0], False


def queries():
    """Every query with its per-engine forms."""
    out = []
    for name, kind, words in BASE:
        for year in [None, YEARS[len(out) % len(YEARS)]]:
            since = until = str(year) if year else None
            out.append({
                "name": name + (f"@{year}" if year else ""),
                "dateline": {"query": dateline_query(kind, words), "since": since, "until": until},
                "fts5": fts5_query(kind, words),
                "tantivy": tantivy_query(kind, words)
                + (f" AND date:[{year}-01-01T00:00:00Z TO {year + 1}-01-01T00:00:00Z}}" if year else ""),
                "rg": rg_pattern(kind, words),
                "year": year,
            })
    for year in YEARS:
        out.append({
            "name": f"all-newest@{year}",
            "dateline": {"query": "*", "since": str(year), "until": str(year), "sort": "newest"},
            "fts5": None,
            "tantivy": f"date:[{year}-01-01T00:00:00Z TO {year + 1}-01-01T00:00:00Z}}",
            "rg": None,
            "year": year,
        })
    return out
