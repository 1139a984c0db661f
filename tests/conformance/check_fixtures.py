#!/usr/bin/env python3
"""Conformance of text extraction over ../shared/fixtures/manifest.json.

The fixtures are real documents made by Hancom Office, Microsoft Office,
LibreOffice, PDF producers, 7-Zip, WinRAR and mail clients, with reference
text from independent tools.  For each file:

  status ok        every must_contain snippet is in `piiscan --extract-text`
                   output (whitespace runs collapsed; for PDFs all whitespace
                   removed, as the manifest allows), and the file is not
                   reported encrypted/protected/error;
  status encrypted the scan reports the top-level file `encrypted`;
  status protected the scan reports it `protected`, or the extracted text
                   holds every decrypted_must_contain snippet (decryption).

Usage: check_fixtures.py PIISCAN FIXTURE_DIR [KNOWN_FAILURES]
Exit 0 when every file passes or is listed in KNOWN_FAILURES (one
"path: reason" per line); 77 (skip) when FIXTURE_DIR is absent."""
import json
import os
import re
import subprocess
import sys


def norm(s, drop):
    s = s.replace("\u00a0", " ").replace("\u3000", " ")
    return re.sub(r"\s+", "" if drop else " ", s).strip()


def main():
    piiscan, root = sys.argv[1], sys.argv[2]
    known = {}
    if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
        for line in open(sys.argv[3], encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                path, _, why = line.partition(":")
                known[path.strip()] = why.strip()
    manifest = os.path.join(root, "manifest.json")
    if not os.path.exists(manifest):
        print("SKIP: %s not found (../shared is not beside this clone)" % manifest)
        return 77
    files = json.load(open(manifest, encoding="utf-8"))["files"]
    passed, failed, expected_fail = [], [], []
    for f in files:
        path = os.path.join(root, f["file"])
        ext = subprocess.run([piiscan, "--extract-text", path], capture_output=True, timeout=120)
        text = ext.stdout.decode("utf-8", "replace")
        scan = subprocess.run([piiscan, "--format", "jsonl", path], capture_output=True,
                              timeout=120)
        top = "ok"
        for line in scan.stdout.decode("utf-8", "replace").splitlines():
            rec = json.loads(line)
            if rec.get("kind") == "file" and rec.get("path") == path:
                top = rec["status"]
        drop = f["format"] == "pdf"
        want = f["status"]
        why = None
        if scan.returncode not in (0, 1, 2) or ext.returncode < 0:
            why = "crashed (exit %d/%d)" % (scan.returncode, ext.returncode)
        elif want == "ok":
            missing = [s for s in f.get("must_contain", []) if norm(s, drop) not in norm(text, drop)]
            if top != "ok":
                why = "reported %s" % top
            elif missing:
                why = "missing %d of %d snippets, first: %r" % (
                    len(missing), len(f["must_contain"]), missing[0][:40])
        elif want == "encrypted":
            if top != "encrypted":
                why = "reported %s, want encrypted" % top
        elif want == "protected":
            dec = f.get("decrypted_must_contain", [])
            decrypted = dec and all(norm(s, drop) in norm(text, drop) for s in dec)
            if top != "protected" and not decrypted:
                why = "reported %s without the decrypted text" % top
        label = "%-52s %-9s -> %s" % (f["file"], want, top)
        if why is None:
            passed.append(f["file"])
            print("PASS " + label)
        elif f["file"] in known:
            expected_fail.append(f["file"])
            print("KNOWN-FAIL " + label + ": " + why + " [" + known[f["file"]] + "]")
        else:
            failed.append(f["file"])
            print("FAIL " + label + ": " + why)
    print("\n%d of %d files pass; %d known failures; %d unexpected failures" % (
        len(passed), len(files), len(expected_fail), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
