#!/usr/bin/env python3
"""Precision and recall of piiscan on the generated accuracy corpus.

Usage: evaluate.py PIISCAN SOURCE_ROOT WORKDIR [MIN]

Generates the corpus (gen_accuracy.py) into WORKDIR, scans it with
`piiscan -f jsonl --show-raw` (the corpus is synthetic; raw values are needed
to compare with the ground truth), and compares per file/member path the
multiset of (type, value) found with the truth.  A value reported under
another type counts as a false positive of that type and a false negative of
its own.  Prints a table per detector and per format; exits 1 when a
detector with at least 20 true values, or a format, has precision or recall
below MIN (default 0.95)."""
import collections
import json
import os
import re
import subprocess
import sys


def norm(v):
    return re.sub(r"[\s\-.‐‑‒–—―−－]", "", v).lower()


def fmt_of(path):
    top = path.split("!")[0]
    if top.endswith(".cp949.txt"):
        return "txt-cp949"
    ext = os.path.splitext(top)[1].lstrip(".")
    if "!" in path:
        member = os.path.splitext(path.split("!")[-1])[1].lstrip(".")
        return "%s>%s" % (ext, member)
    return ext


def main():
    piiscan, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
    minimum = float(sys.argv[4]) if len(sys.argv) > 4 else 0.95
    subprocess.run([sys.executable, os.path.join(root, "tests", "accuracy", "gen_accuracy.py"), work],
                   check=True)
    truth = json.load(open(os.path.join(work, "truth.json"), encoding="utf-8"))
    p = subprocess.run([piiscan, "-q", "-f", "jsonl", "--show-raw", "-j", "2",
                        os.path.join(work, "corpus")], capture_output=True)
    if p.returncode not in (0, 1):
        print("piiscan failed (%d): %s" % (p.returncode, p.stderr.decode()[:500]))
        return 1
    found = collections.defaultdict(collections.Counter)
    statuses = []
    for line in p.stdout.decode("utf-8").splitlines():
        r = json.loads(line)
        if r["kind"] == "finding":
            found[r["path"]][(r["type"], norm(r["raw"]))] += 1
        elif r["kind"] == "file":
            statuses.append((r["path"], r["status"], r["reason"]))
    if statuses:
        print("files not read completely:", statuses[:10])
    by_type = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    by_fmt = collections.defaultdict(lambda: [0, 0, 0])
    examples = collections.defaultdict(list)
    for path in set(truth) | set(found):
        want = collections.Counter((t["type"], norm(t["value"])) for t in truth.get(path, []))
        got = found.get(path, collections.Counter())
        f = fmt_of(path)
        for key in set(want) | set(got):
            tp = min(want[key], got[key])
            fp = got[key] - tp
            fn = want[key] - tp
            for agg in (by_type[key[0]], by_fmt[f]):
                agg[0] += tp
                agg[1] += fp
                agg[2] += fn
            if fp and len(examples[key[0] + " FP"]) < 3:
                examples[key[0] + " FP"].append(path.split("/")[-1] + ": " + key[1][:4] + "…")
            if fn and len(examples[key[0] + " FN"]) < 3:
                examples[key[0] + " FN"].append(path.split("/")[-1] + ": " + key[1][:4] + "…")

    def pr(a):
        tp, fp, fn = a
        return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)

    bad = []
    print("%-20s %6s %5s %5s %9s %7s" % ("detector", "true", "FP", "FN", "precision", "recall"))
    for t in sorted(by_type):
        tp, fp, fn = by_type[t]
        P, R = pr(by_type[t])
        print("%-20s %6d %5d %5d %9.3f %7.3f" % (t, tp + fn, fp, fn, P, R))
        if tp + fn >= 20 and (P < minimum or R < minimum):
            bad.append(t)
    print()
    print("%-20s %6s %5s %5s %9s %7s" % ("format", "true", "FP", "FN", "precision", "recall"))
    for f in sorted(by_fmt):
        tp, fp, fn = by_fmt[f]
        P, R = pr(by_fmt[f])
        print("%-20s %6d %5d %5d %9.3f %7.3f" % (f, tp + fn, fp, fn, P, R))
        if P < minimum or R < minimum:
            bad.append(f)
    for k, v in sorted(examples.items()):
        print("  %s: %s" % (k, "; ".join(v)))
    if bad:
        print("\nbelow %.2f: %s" % (minimum, ", ".join(bad)))
        return 1
    print("\nevery detector and format at or above %.2f precision and recall" % minimum)
    return 0


if __name__ == "__main__":
    sys.exit(main())
