#!/usr/bin/env python3
"""SQLite FTS5, the peer: load the cleaned articles, or run the query set in-process.

  sqlite_fts.py load CLEAN_JSONL DB
  sqlite_fts.py search DB QUERIES_JSON RUNS      (prints JSON timings)

Title and body in an FTS5 table with the porter tokenizer, ranked by bm25() with
the title weighted as dateline weights it, snippet() for the text shown, and the
date in a plain table with an index, filtered in WHERE.
"""

import json
import sqlite3
import sys
import time

TITLE_WEIGHT = 2.5


def load(clean, db):
    con = sqlite3.connect(db)
    con.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'porter unicode61');
        CREATE TABLE meta (id INTEGER PRIMARY KEY, date TEXT);
        """
    )
    with open(clean, encoding="utf-8") as f:
        batch = []
        for line in f:
            a = json.loads(line)
            batch.append((a["id"] + 1, a["title"], a["body"], a["date"]))
            if len(batch) == 10000:
                insert(con, batch)
                batch = []
        insert(con, batch)
    con.execute("CREATE INDEX meta_date ON meta(date)")
    con.commit()
    con.close()


def insert(con, batch):
    con.executemany("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", [(i, t, b) for i, t, b, _ in batch])
    con.executemany("INSERT INTO meta(id, date) VALUES (?, ?)", [(i, d) for i, _, _, d in batch])


def sql(query):
    """The SQL of one benchmark query and its parameters."""
    year = query["year"]
    if query["fts5"] is None:
        return (
            "SELECT meta.id, meta.date, substr(fts.body, 1, 200) FROM meta JOIN fts ON fts.rowid = meta.id "
            "WHERE meta.date BETWEEN ? AND ? ORDER BY meta.date DESC LIMIT 10",
            (f"{year}-01-01", f"{year}-12-31"),
        )
    where, params = "fts MATCH ?", [query["fts5"]]
    if year:
        where += " AND meta.date BETWEEN ? AND ?"
        params += [f"{year}-01-01", f"{year}-12-31"]
    return (
        f"SELECT meta.id, meta.date, fts.title, snippet(fts, 1, '[', ']', '…', 30) "
        f"FROM fts JOIN meta ON meta.id = fts.rowid WHERE {where} "
        f"ORDER BY bm25(fts, {TITLE_WEIGHT}, 1.0) LIMIT 10",
        tuple(params),
    )


def search(db, queries, runs):
    con = sqlite3.connect(db)
    out = {}
    for q in json.load(open(queries)):
        statement, params = sql(q)
        con.execute(statement, params).fetchall()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            con.execute(statement, params).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        out[q["name"]] = times
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "search":
        search(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "sql":
        print(json.dumps(sql(json.loads(sys.argv[2]))))
