#!/usr/bin/env python3
"""Scan a folder -- documents and archives included -- and write a CSV report.

    python3 scan_folder_to_csv.py /srv/share -o report.csv
    python3 scan_folder_to_csv.py ~/exports --types kr_rrn,card --min-confidence medium

One row per finding (the value masked, never raw) and one per file or archive
member that could not be read completely (encrypted, skipped, error...), so the
report also says what was not seen.  The CSV is UTF-8 with a BOM so that Excel
shows Hangul.  Exit status: 0 nothing found, 1 findings, 2 a file not read.
Needs the piiscan package (bindings/python).
"""
import argparse
import csv
import sys

import piiscan

FIELDS = ["kind", "path", "line", "type", "text", "validation", "confidence", "masked",
          "status", "reason", "format", "mtime"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("-o", "--output", default="-", help="CSV file (default: standard output)")
    ap.add_argument("--types", help="comma-separated type ids (default: all)")
    ap.add_argument("--min-confidence", default="low", choices=["low", "medium", "high"])
    ap.add_argument("--exclude", action="append", default=[], help="glob to leave out")
    ap.add_argument("--workers", type=int, default=4, help="files scanned at once")
    args = ap.parse_args(argv)

    engine = piiscan.Engine(types=args.types, min_confidence=args.min_confidence)
    out = (open(args.output, "w", newline="", encoding="utf-8-sig", errors="backslashreplace")
           if args.output != "-" else sys.stdout)
    writer = csv.DictWriter(out, FIELDS, extrasaction="ignore")
    writer.writeheader()
    found = files = unread = 0
    try:
        for item in engine.scan_path(args.folder, exclude=args.exclude, workers=args.workers):
            if isinstance(item, piiscan.Finding):
                writer.writerow(item.as_dict())          # masked: item.text, never item.raw
                found += 1
            elif not item.ok:
                writer.writerow(item.as_dict())          # encrypted, skipped, error ...
                unread += 1
            elif item.depth == 0:
                files += 1
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{files} files read, {found} findings, {unread} files or members not read "
          f"completely", file=sys.stderr)
    return 2 if unread else 1 if found else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except piiscan.Error as e:
        print(f"scan_folder_to_csv: {e}", file=sys.stderr)
        sys.exit(2)
