#!/usr/bin/env python3
"""Writes web archives with Python's warcio for dateline's tests: pages of a made-up
port newspaper as HTTP responses (UTF-8, windows-1251 with no charset anywhere,
windows-1252 declared as UTF-8, chunked and gzipped, deflated), with a request, a
revisit, a page repeated under another address, a 404 and an image between them.

    write_with_warcio.py OUT_DIR

writes OUT_DIR/records.warc.gz (a gzip member per record, as warcio writes),
OUT_DIR/plain.warc (uncompressed), OUT_DIR/whole.warc.gz (gzipped whole) and
OUT_DIR/cut.warc.gz (three records, the archive ending inside a fourth).
"""

import gzip
import io
import sys
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SITE = "https://portherald.example"


def page(title, paragraphs, date=None, meta_charset=None):
    head = f'<meta charset="{meta_charset}">' if meta_charset else ""
    if date:
        head += f'<meta property="article:published_time" content="{date}">'
    story = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head>{head}<title>{title} | Port Herald</title></head>"
        f"<body><nav><a href='/'>Port Herald</a> <a href='/ships'>Ships</a></nav>"
        f"<main><article><h1>{title}</h1>{story}</article></main>"
        f"<footer>Copyright Port Herald. All rights reserved.</footer></body></html>"
    )


CRANES = page(
    "Harbour cranes idle as strike enters second week",
    [
        "AKTAU, Kazakhstan - The container cranes of the north quay stood idle for an eighth day on Monday as crane operators kept up their strike over night-shift pay.",
        "Shipping agents said eleven vessels were waiting at anchor outside the breakwater, and two lines had begun sending cargo through Kuryk instead.",
    ],
    date="2023-04-03T09:00:00+05:00",
)
FERRY = page(
    "Новый паром вышел на линию Актау — Баку",
    [
        "АКТАУ — Новый паром компании вышел в первый рейс на линии Актау — Баку в понедельник вечером, сообщили в порту.",
        "Судно берёт на борт до пятидесяти вагонов и сокращает очередь грузовиков у ворот порта.",
    ],
)
CAFE = page(
    "Café owners on the promenade count the cost of a cold summer",
    [
        "AKTAU, Kazakhstan - Owners of the cafés along the promenade said takings fell by a third this summer, the coldest on the coast in a decade.",
        "One owner said his terrace had been empty on most evenings since the end of June, and that he would close a month early.",
    ],
    date="2023-08-28",
)
GRAIN = page(
    "Port authority opens tender for a new grain terminal",
    [
        "AKTAU, Kazakhstan - The port authority on Tuesday opened a tender for a grain terminal on the south quay with room for sixty thousand tonnes.",
        "Bids close at the end of the year; the authority said the terminal should handle its first ships in 2026.",
    ],
    date="2023-09-12",
)
STORM = page(
    "Storm warning lifted for the northern coast",
    [
        "FORT SHEVCHENKO, Kazakhstan - Forecasters lifted the storm warning for the northern coast on Wednesday after winds fell below twenty metres a second.",
        "Fishing boats that had sheltered in the harbour since Sunday were allowed out again in the afternoon.",
    ],
    date="2023-10-04",
)


def chunked(body, size=300):
    out = b""
    for start in range(0, len(body), size):
        chunk = body[start : start + size]
        out += b"%x\r\n%s\r\n" % (len(chunk), chunk)
    return out + b"0\r\n\r\n"


def response(writer, path, body, headers, status="200 OK"):
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        SITE + path,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": "2023-10-05T06:30:00Z"},
    )
    writer.write_record(record)
    return record


def write_all(out, gzip_records):
    writer = WARCWriter(out, gzip=gzip_records)
    writer.write_record(writer.create_warcinfo_record("port.warc", {"software": "warcio"}))
    request = writer.create_warc_record(
        SITE + "/cranes",
        "request",
        payload=io.BytesIO(b"GET /cranes HTTP/1.1\r\nHost: portherald.example\r\n\r\n"),
    )
    writer.write_record(request)
    cranes = response(writer, "/cranes", CRANES.encode(), [("Content-Type", "text/html; charset=utf-8")])
    response(writer, "/ferry", FERRY.encode("windows-1251"), [("Content-Type", "text/html")])
    response(writer, "/cafe", CAFE.encode("windows-1252"), [("Content-Type", "text/html; charset=utf-8")])
    response(
        writer,
        "/grain",
        chunked(gzip.compress(GRAIN.encode())),
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ],
    )
    response(
        writer,
        "/storm",
        zlib.compress(STORM.encode()),
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "deflate")],
    )
    digest = cranes.rec_headers.get_header("WARC-Payload-Digest")
    writer.write_record(
        writer.create_revisit_record(
            SITE + "/cranes",
            digest,
            SITE + "/cranes",
            "2023-10-05T06:30:00Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
        )
    )
    # The same page saved again under another address.
    response(writer, "/cranes?from=rss", CRANES.encode(), [("Content-Type", "text/html; charset=utf-8")])
    response(writer, "/missing", b"<html>gone</html>", [("Content-Type", "text/html")], status="404 Not Found")
    response(writer, "/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), [("Content-Type", "image/png")])


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "records.warc.gz", "wb") as f:
        write_all(f, gzip_records=True)
    plain = io.BytesIO()
    write_all(plain, gzip_records=False)
    (out / "plain.warc").write_bytes(plain.getvalue())
    (out / "whole.warc.gz").write_bytes(gzip.compress(plain.getvalue()))
    # The first three records, then the archive ends half-way into the fourth
    # (the first page).
    cut = io.BytesIO()
    writer = WARCWriter(cut, gzip=True)
    writer.write_record(writer.create_warcinfo_record("cut.warc", {"software": "warcio"}))
    response(writer, "/ferry", FERRY.encode("windows-1251"), [("Content-Type", "text/html")])
    response(writer, "/storm", zlib.compress(STORM.encode()), [("Content-Type", "text/html"), ("Content-Encoding", "deflate")])
    whole = cut.getvalue()
    before = len(whole)
    response(writer, "/cranes", CRANES.encode(), [("Content-Type", "text/html; charset=utf-8")])
    whole = cut.getvalue()
    (out / "cut.warc.gz").write_bytes(whole[: before + (len(whole) - before) // 2])


if __name__ == "__main__":
    main()
