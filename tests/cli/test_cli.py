#!/usr/bin/env python3
"""End-to-end tests of the piiscan CLI: exit statuses, JSON Lines contract,
encodings of the sample folder, options, and that no raw value leaks.

Usage: test_cli.py PIISCAN_BINARY SOURCE_ROOT (run by ctest through run.sh)."""
import hmac
import json
import os
import shutil
import subprocess
import sys
import tempfile

PIISCAN, ROOT = sys.argv[1], sys.argv[2]
SAMPLE = os.path.join(ROOT, "examples", "sample")
failures = []

# Raw values planted in examples/sample (see examples/make-sample.sh). None of
# them may appear in any output unless --show-raw is given.
RAW = ["900101-1234568", "971013-9019902", "880411-2238459", "850618-1811204",
       "911124-5678906", "760406-1679592", "4111-1111-1111-1111", "5555 5555 5555 4444",
       "010-2345-6789", "01012345678", "110-123-456789", "M12345678", "12-345678-90",
       "gildong@example.co.kr"]


def run(args, stdin=None):
    p = subprocess.run([PIISCAN] + args, input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


FINDING_KEYS = {"kind": str, "path": str, "type": str, "line": int, "offset": int, "length": int,
                "masked": bool, "match": str, "validation": str, "confidence": str}


SUMMARY = {}


def parse_jsonl(out):
    """Finding and file records; the summary record (last line) goes to SUMMARY."""
    recs = []
    SUMMARY.clear()
    for line in out.splitlines():
        rec = json.loads(line)  # every line must be valid JSON
        if rec["kind"] == "summary":
            SUMMARY.update(rec)
        else:
            recs.append(rec)
        if rec["kind"] == "finding":
            for k, t in FINDING_KEYS.items():
                check(isinstance(rec.get(k), t), "finding field %s is %r" % (k, rec.get(k)))
            check(rec["validation"] in ("checksum", "structural", "context"), "validation value")
            check(rec["confidence"] in ("high", "medium", "low"), "confidence value")
            check("raw" not in rec, "raw field without --show-raw")
        elif rec["kind"] == "summary":
            for k in ("files", "members", "bytes", "findings", "masked", "unmasked", "errors",
                      "encrypted", "by_type"):
                check(k in rec, "summary field %s" % k)
            check(rec["findings"] == sum(1 for r in recs if r["kind"] == "finding"),
                  "summary counts the findings")
        else:
            check(rec["kind"] == "file" and rec["status"] and "reason" in rec, "file record %r" % rec)
    return recs


def find(recs, path_end, type_, line):
    return [r for r in recs if r["kind"] == "finding" and r["path"].endswith(path_end)
            and r["type"] == type_ and r["line"] == line]


# --- version and help
code, out, _ = run(["--version"])
check(code == 0 and out.startswith("piiscan "), "--version")
code, out, _ = run(["--help"])
check(code == 0 and "Exit status" in out and "--show-raw" in out, "--help")
code, _, err = run(["--no-such-option"])
check(code == 2, "unknown option exits 2")

# every long option in --help is in the man page, and the other way round
import re
code, out, _ = run(["--help"])
help_opts = set(re.findall(r"--([a-z][a-z-]+)", out))
man = open(os.path.join(ROOT, "docs", "piiscan.1")).read().replace("\\-", "-")
man_opts = set(re.findall(r"--([a-z][a-z-]+)", man))
check(help_opts <= man_opts, "options missing from docs/piiscan.1: %s" % sorted(help_opts - man_opts))
check(man_opts <= help_opts, "options in the man page but not in --help: %s" % sorted(man_opts - help_opts))

# --- the sample folder, JSON Lines
code, out, err = run(["--format", "jsonl", SAMPLE])
check(code == 1, "findings exit 1 (got %d, stderr %s)" % (code, err))
recs = parse_jsonl(out)
for raw in RAW:
    check(raw not in out and raw not in err, "raw value %s leaked" % raw)
check(not any(r["path"].endswith("clean.txt") for r in recs), "clean.txt has no findings")
# Expected findings, by hand from examples/make-sample.sh.
expect = [
    ("customers.csv", "kr_rrn", 2, "900101-1******", "checksum", False),
    ("customers.csv", "kr_phone", 2, "010-****-6789", None, False),
    ("customers.csv", "card", 2, "4111-11**-****-1111", "checksum", False),
    ("customers.csv", "kr_rrn", 5, "900101-1******", "structural", True),
    ("customers.csv", "kr_phone", 5, "010-****-5678", None, True),
    ("memo.txt", "kr_rrn", 2, "850618-1******", "checksum", False),
    ("memo.txt", "kr_account", 3, None, "context", False),
    ("memo.txt", "kr_passport", 4, None, "context", False),
    ("memo.txt", "kr_driver_license", 4, None, None, False),
    ("foreign_workers_cp949.txt", "kr_frn", 2, "911124-5******", "checksum", False),
    ("foreign_workers_cp949.txt", "kr_phone", 3, None, None, False),
    ("consult_utf16.txt", "kr_rrn", 2, "760406-1******", "checksum", False),
    ("consult_utf16.txt", "email", 3, None, None, False),
]
for path, type_, line, match, validation, masked in expect:
    got = find(recs, path, type_, line)
    check(len(got) == 1, "%s:%d %s expected once, got %d" % (path, line, type_, len(got)))
    if got:
        g = got[0]
        if match:
            check(g["match"] == match, "%s:%d %s match %s != %s" % (path, line, type_, g["match"], match))
        if validation:
            check(g["validation"] == validation, "%s:%d %s validation %s" % (path, line, type_, g["validation"]))
        check(g["masked"] == masked, "%s:%d %s masked" % (path, line, type_))
# Decoys in memo.txt line 5: representative number, price, order number.
check(not [r for r in recs if r["path"].endswith("memo.txt") and r["line"] == 5], "memo.txt line 5 decoys")
# Offsets are bytes of the original file (UTF-16 here: 2 bytes per code unit + BOM).
u16 = find(recs, "consult_utf16.txt", "kr_rrn", 2)
if u16:
    text = "고객 상담 기록\n고객 주민번호 760406-1679592 확인함\n"
    pre = text[:text.index("760406")]
    check(u16[0]["offset"] == 2 + 2 * len(pre) and u16[0]["length"] == 28, "UTF-16 offsets %r" % u16[0])
cp = find(recs, "foreign_workers_cp949.txt", "kr_frn", 2)
if cp:
    text = "외국인 근로자 명단\n성명: 존 스미스, 외국인등록번호: 911124-5678906\n"
    check(cp[0]["offset"] == len(text[:text.index("911124")].encode("cp949")), "CP949 offsets %r" % cp[0])

# --- text format
code, out, _ = run(["--color", "never", SAMPLE])
check(code == 1 and "customers.csv:2: kr_rrn 900101-1****** (checksum, high)" in out, "text format line")
for raw in RAW:
    check(raw not in out, "raw value %s leaked in text format" % raw)

# --- a file with nothing, stdin, errors
code, out, _ = run([os.path.join(SAMPLE, "clean.txt")])
check(code == 0 and "0 findings" in out and ":" not in out.split("\n")[0],
      "clean file exits 0 with only the summary: %r" % out)
code, out, _ = run(["-q", os.path.join(SAMPLE, "clean.txt")])
check(code == 0 and out == "", "clean file with -q exits 0 silently: %r" % out)
code, out, _ = run(["--format", "jsonl", "-"], stdin="전화 010-2345-6789\n".encode())
recs = parse_jsonl(out)
check(code == 1 and len(recs) == 1 and recs[0]["path"] == "-" and recs[0]["type"] == "kr_phone", "stdin")
code, out, _ = run(["--format", "jsonl", "/nonexistent/file.txt"])
recs = parse_jsonl(out)
check(code == 2 and recs and recs[0]["kind"] == "file" and recs[0]["status"] == "error", "missing file")
code, out, _ = run(["--format", "jsonl", "/nonexistent/file.txt", os.path.join(SAMPLE, "memo.txt")])
check(code == 2 and '"kind":"finding"' in out, "errors do not stop the scan; exit 2 wins")

# --- options
code, out, _ = run(["--format", "jsonl", "--show-raw", os.path.join(SAMPLE, "memo.txt")])
recs = parse_jsonl_raw = [json.loads(l) for l in out.splitlines()]
check(any(r.get("raw") == "850618-1811204" for r in recs), "--show-raw prints the raw value")
code, out, _ = run(["--format", "jsonl", "--types", "kr_phone", SAMPLE])
recs = parse_jsonl(out)
check(recs and all(r["type"] == "kr_phone" for r in recs), "--types")
code, out, _ = run(["--types", "nosuch", SAMPLE])
check(code == 2, "--types unknown exits 2")
code, out, _ = run(["--format", "jsonl", "--unmasked-only", SAMPLE])
recs = parse_jsonl(out)
check(recs and not any(r["masked"] for r in recs), "--unmasked-only")
code, out, _ = run(["--format", "jsonl", "--min-confidence", "high", SAMPLE])
recs = parse_jsonl(out)
check(recs and all(r["confidence"] == "high" for r in recs), "--min-confidence high")
code, out, _ = run(["--list-types"])
check(code == 0 and "kr_rrn" in out and "kr_brn" in out and "off" in out, "--list-types")
code, out, _ = run(["--format", "jsonl", "--encoding", "utf8", os.path.join(SAMPLE, "consult_utf16.txt")])
check(code == 0, "forcing the wrong encoding finds nothing in UTF-16 (got %d)" % code)

with tempfile.TemporaryDirectory() as d:
    good = os.path.join(d, "custom.pat")
    with open(good, "w") as f:
        f.write("[acme_id]\nregex = {{LB}}ACME{{DIGIT}}{6}{{RB}}\ntrigger = digits 6\n\n[kr_phone]\nenabled = no\n")
    code, out, _ = run(["--format", "jsonl", "--patterns", good, "-"],
                       stdin="id ACME123456 tel 010-2345-6789\n".encode())
    recs = parse_jsonl(out)
    check(code == 1 and [r["type"] for r in recs] == ["acme_id"], "--patterns custom type, phone off: %r" % recs)
    bad = os.path.join(d, "bad.pat")
    with open(bad, "w") as f:
        f.write("[ok]\nregex = a\n[broken]\nregex = (x\n")
    code, out, err = run(["--patterns", bad, "-"], stdin=b"")
    check(code == 2 and ("%s:4:" % bad) in err and "missing closing parenthesis" in err,
          "bad pattern file error names file:line and PCRE2 message: %r" % err)

# --- documents and archives: member paths, statuses, --extract-text, limits
import io
import zipfile
with tempfile.TemporaryDirectory() as d:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("a.txt", "주민등록번호 900101-1234568\n")
    outer = os.path.join(d, "share.dat")  # a zip under another name
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("hr/inner.zip", inner.getvalue())
        z.writestr("b.csv", "연락처,010-2345-6789\n")
    code, out, err = run(["--format", "jsonl", outer])
    recs = parse_jsonl(out)
    paths = sorted(r["path"] for r in recs if r["kind"] == "finding")
    check(code == 1 and paths == [outer + "!b.csv", outer + "!hr/inner.zip!a.txt"],
          "archive member paths: %r" % paths)
    check("900101-1234568" not in out and "010-2345-6789" not in out, "no raw value from members")
    code, out, err = run(["--extract-text", outer])
    check(code == 0 and ("==> %s!hr/inner.zip!a.txt <==" % outer) in out
          and "900101-1234568" in out, "--extract-text names members and prints their text")
    code, out, err = run(["--format", "jsonl", "--max-depth", "1", outer])
    recs = parse_jsonl(out)
    skipped = [r for r in recs if r["kind"] == "file" and r["status"] == "skipped"]
    check(code == 1 and skipped and skipped[0]["path"] == outer + "!hr/inner.zip!a.txt"
          and "deeper" in skipped[0]["reason"], "--max-depth skips deeper members: %r" % recs)
    code, out, err = run(["--max-depth", "x", outer])
    check(code == 2, "--max-depth with a bad value exits 2")
    enc = os.path.join(d, "enc.zip")
    if subprocess.run(["zip", "-q", "-P", "pw", enc, os.path.basename(outer)], cwd=d).returncode == 0:
        code, out, err = run(["--format", "jsonl", enc])
        recs = parse_jsonl(out)
        check(code == 0 and any(r["kind"] == "file" and r["path"] == enc and
                                r["status"] == "encrypted" for r in recs),
              "an encrypted zip is reported encrypted, exit 0: %r" % recs)
    broken = os.path.join(d, "broken.zip")
    with open(broken, "wb") as f:
        f.write(b"PK\x03\x04" + b"\xff" * 40)
    code, out, err = run(["--format", "jsonl", broken])
    recs = parse_jsonl(out)
    check(code == 2 and any(r["kind"] == "file" and r["status"] == "error" for r in recs),
          "a corrupt zip is an error, exit 2: %r" % recs)

# --- audits: -j, retention, fingerprints, baselines, --fail-on, --output
with tempfile.TemporaryDirectory() as d:
    for i in range(12):
        with open(os.path.join(d, "f%02d.txt" % i), "w") as f:
            f.write("n\n" * i + "주민등록번호 900101-1234568 tel 010-2345-6789\n")
    old = os.path.join(d, "f00.txt")
    os.utime(old, (1_000_000_000, 1_000_000_000))  # 2001
    key = ["--fingerprint-key", "test-key"]
    _, o1, _ = run(["-f", "jsonl", "-j", "1"] + key + [d])
    _, o4, _ = run(["-f", "jsonl", "-j", "4"] + key + [d])
    r1, r4 = parse_jsonl(o1), parse_jsonl(o4)
    norm = lambda rs: sorted(json.dumps(r, sort_keys=True) for r in rs)
    check(len(r1) == 24 and norm(r1) == norm(r4), "-j 4 reports the same findings as -j 1")
    # a tree that spreads over the threads: directories of more than one
    # walk chunk (64 names) and more than one report batch (32 files), an
    # ignore file below the root, files without findings
    big = os.path.join(d, "big")
    for sub in ("a", "b", "c"):
        os.makedirs(os.path.join(big, sub))
        for i in range(150):
            with open(os.path.join(big, sub, "g%03d.txt" % i), "w") as f:
                f.write("x\n" * (i % 5) + ("카드 4111-1111-1111-1111\n" if i % 3 else "nothing\n"))
    with open(os.path.join(big, "b", ".piiscanignore"), "w") as f:
        f.write("g1*.txt\n")
    c1, b1, _ = run(["-f", "jsonl", "-j", "1", big])
    rb1 = parse_jsonl(b1)
    s1 = dict(SUMMARY)
    c4, b4, _ = run(["-f", "jsonl", "-j", "4", big])
    rb4 = parse_jsonl(b4)
    s4 = dict(SUMMARY)
    for x in (s1, s4):
        x.pop("started", None)
        x.pop("seconds", None)
    want = sum(1 for sub in "abc" for i in range(150)
               if i % 3 and not (sub == "b" and 100 <= i <= 199))
    check(c1 == c4 == 1 and len(rb1) == want and norm(rb1) == norm(rb4) and s1 == s4,
          "-j 4 on 450 files in three directories: the same records and summary as -j 1 "
          "(%d and %d records)" % (len(rb1), len(rb4)))
    shutil.rmtree(big)
    fps = {r["fingerprint"] for r in r1 if r["type"] == "kr_rrn"}
    check(len(fps) == 1 and len(next(iter(fps))) == 64, "one value, one 64-hex fingerprint")
    check("900101-1234568" not in o1, "fingerprints do not leak the value")
    # one definition (docs/reports.md, piiscan_fingerprint()): HMAC-SHA256 of type ":" normalised
    # value, checked against Python's own hmac
    want = {t: hmac.new(b"test-key", m, "sha256").hexdigest()
            for t, m in (("kr_rrn", b"kr_rrn:9001011234568"), ("kr_phone", b"kr_phone:01023456789"))}
    check(fps == {want["kr_rrn"]} and {r["fingerprint"] for r in r1 if r["type"] == "kr_phone"}
          == {want["kr_phone"]}, "the CLI's fingerprints are hmac(key, type:normalised value)")
    _, o5, _ = run(["-f", "jsonl", "--fingerprint-key", "other"] + [d])
    check(not fps & {r["fingerprint"] for r in parse_jsonl(o5) if "fingerprint" in r},
          "another key gives other fingerprints")
    # the same value written differently has the same fingerprint
    code, o6, _ = run(["-f", "jsonl"] + key + ["-"], stdin="주민번호 9001011234568\n".encode())
    check([r.get("fingerprint") for r in parse_jsonl(o6)] == list(fps),
          "9001011234568 and 900101-1234568 share a fingerprint")
    # retention: only the old file with findings is a breach
    code, out, _ = run(["-f", "jsonl", "--retention", "5y", d])
    recs = parse_jsonl(out)
    breaches = [r for r in recs if r["kind"] == "file" and r.get("retention_breach")]
    check(len(breaches) == 1 and breaches[0]["path"] == old and breaches[0]["age_days"] > 5 * 365
          and SUMMARY.get("retention_breaches") == 1, "--retention 5y: %r" % breaches)
    code, _, _ = run(["--retention", "5x", d])
    check(code == 2, "--retention with a bad unit exits 2")
    # baseline: written, then the same findings are suppressed even after lines move
    bl = os.path.join(d, "..", os.path.basename(d) + ".baseline")
    code, _, err = run(["--write-baseline", bl, d])
    check(code == 2 and "fingerprint-key" in err, "--write-baseline needs a key")
    code, _, _ = run(["-q", "--write-baseline", bl] + key + [d])
    check(code == 1 and "900101-1234568" not in open(bl).read(), "baseline written without values")
    with open(os.path.join(d, "f03.txt"), "w") as f:
        f.write("new first line\n" * 5 + "주민등록번호 900101-1234568\n")
    code, out, _ = run(["-f", "jsonl", "--baseline", bl] + key + [d])
    check(code == 0 and not [r for r in parse_jsonl(out) if r["kind"] == "finding"],
          "baseline suppresses known findings despite line drift")
    with open(os.path.join(d, "new.txt"), "w") as f:
        f.write("카드 4111 1111 1111 1111\n")
    code, out, _ = run(["-f", "jsonl", "--baseline", bl] + key + [d])
    check(code == 1 and [r["path"] for r in parse_jsonl(out) if r["kind"] == "finding"]
          == [os.path.join(d, "new.txt")], "a new finding is not in the baseline")
    os.unlink(bl)
    # --fail-on: phones found but only cards fail
    code, _, _ = run(["-q", "--fail-on", "card", os.path.join(d, "f01.txt")])
    check(code == 0, "--fail-on card ignores RRNs and phones for the exit status")
    code, _, _ = run(["-q", "--fail-on", "kr_phone", os.path.join(d, "f01.txt")])
    check(code == 1, "--fail-on kr_phone")
    rep = os.path.join(d, "..", os.path.basename(d) + ".jsonl")
    code, out, _ = run(["-f", "jsonl", "-o", rep, os.path.join(d, "f01.txt")])
    check(code == 1 and out == "" and '"kind":"summary"' in open(rep).read(), "--output")
    os.unlink(rep)

# --- walking: .piiscanignore, --exclude, FIFOs, links
with tempfile.TemporaryDirectory() as d:
    os.mkdir(os.path.join(d, "fixtures"))
    for name in ("a.txt", "fixtures/b.txt", "c.log"):
        with open(os.path.join(d, name), "w") as f:
            f.write("주민등록번호 900101-1234568\n")
    with open(os.path.join(d, ".piiscanignore"), "w") as f:
        f.write("fixtures/\n")
    os.mkfifo(os.path.join(d, "pipe"))
    os.symlink("a.txt", os.path.join(d, "link.txt"))
    code, out, _ = run(["-f", "jsonl", "--exclude", "*.log", d])
    recs = parse_jsonl(out)
    found = sorted(r["path"] for r in recs if r["kind"] == "finding")
    check(found == [os.path.join(d, "a.txt")], ".piiscanignore and --exclude: %r" % found)
    st = {os.path.basename(r["path"]): r["status"] for r in recs if r["kind"] == "file"}
    check(st.get("pipe") == "skipped" and st.get("link.txt") == "skipped",
          "FIFO and symbolic link reported skipped: %r" % st)
    code, out, _ = run(["-f", "jsonl", "--follow", "--no-ignore", d])
    found = sorted(os.path.basename(r["path"]) for r in parse_jsonl(out) if r["kind"] == "finding")
    check(found == ["a.txt", "b.txt", "c.log", "link.txt"], "--follow --no-ignore: %r" % found)

# --- the remaining options, each on a small tree
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "a.csv"), "w") as f:
        f.write("주민등록번호,900101-1234568\n")
    with open(os.path.join(d, "b.txt"), "w") as f:
        f.write("x" * 5000 + "\n주민등록번호 880411-2238459\n")
    with open(os.path.join(d, "weak.txt"), "w") as f:
        f.write("9001011234567\n")  # bare 13 digits, check digit fails: policy decides
    code, out, _ = run(["-f", "jsonl", "--include", "*.csv", d])
    check([r["path"] for r in parse_jsonl(out) if r["kind"] == "finding"]
          == [os.path.join(d, "a.csv")], "--include")
    code, out, _ = run(["-f", "jsonl", "--max-filesize", "1K", d])
    recs = parse_jsonl(out)
    check(any(r["kind"] == "file" and r["path"].endswith("b.txt") and r["status"] == "skipped"
              and "larger than 1024" in r["reason"] for r in recs), "--max-filesize")
    code, out, _ = run(["-f", "jsonl", "--rrn-policy", "structural", os.path.join(d, "weak.txt")])
    check(any(r["kind"] == "finding" for r in parse_jsonl(out)), "--rrn-policy structural")
    code, out, _ = run(["-f", "jsonl", "--rrn-policy", "checksum", os.path.join(d, "weak.txt")])
    check(code == 0, "--rrn-policy checksum")
    code, out, _ = run(["--color", "always", os.path.join(d, "a.csv")])
    check("\033[" in out, "--color always")
    code, out, _ = run(["--color", "never", os.path.join(d, "a.csv")])
    check("\033[" not in out, "--color never")
    old = os.path.join(d, "a.csv")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    code, out, _ = run(["-f", "jsonl", "--retention", "1y", "--time", "atime", old])
    check(any(r.get("retention_breach") for r in parse_jsonl(out)), "--time atime")
    code, out, _ = run(["-f", "jsonl", "--retention", "1y", "--time", "ctime", old])
    check(not any(r.get("retention_breach") for r in parse_jsonl(out)), "--time ctime (just changed)")
    z = os.path.join(d, "z.zip")
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(5):
            zf.writestr("m%d.txt" % i, "주민등록번호 900101-1234568\n" * 200)
    big = os.path.join(d, "big.zip")
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.txt", "a" * (17 << 20))  # ratio ~1000: past the 16 MiB floor
    code, out, _ = run(["-f", "jsonl", "--max-ratio", "2000", big])
    check(code == 0, "a highly compressible member under --max-ratio passes")
    code, out, _ = run(["-f", "jsonl", "--max-ratio", "100", big])
    top = [r for r in parse_jsonl(out) if r["kind"] == "file" and r["path"] == big]
    check(top and top[0]["status"] == "skipped" and "ratio" in top[0]["reason"], "--max-ratio 100")
    os.unlink(big)
    for opt, val, word in (("--max-members", "2", "members"), ("--max-extracted", "1K", "extracted"),
                           ("--max-buffer", "1K", None)):
        code, out, _ = run(["-f", "jsonl", opt, val, z])
        recs = parse_jsonl(out)
        top = [r for r in recs if r["kind"] == "file" and r["path"] == z]
        if word:
            check(top and top[0]["status"] == "skipped" and word in top[0]["reason"],
                  "%s %s: %r" % (opt, val, top))
        else:
            # members are text, streamed: the buffer limit does not apply to them
            check(not top and len([r for r in recs if r["kind"] == "finding"]) == 1000,
                  "%s does not affect streamed text members: %r" % (opt, top))
    # a symbolic link loop, followed
    os.mkdir(os.path.join(d, "sub"))
    os.symlink("..", os.path.join(d, "sub", "up"))
    code, out, _ = run(["-f", "jsonl", "--follow", d])
    recs = parse_jsonl(out)
    check(any(r["kind"] == "file" and r["path"].endswith("sub/up") and "already walked" in r["reason"]
              for r in recs), "--follow reports a symbolic link loop")
    # another file system, reached through a link
    if os.path.isdir("/dev/shm") and os.stat("/dev/shm").st_dev != os.stat(d).st_dev:
        other = tempfile.mkdtemp(dir="/dev/shm")
        with open(os.path.join(other, "o.txt"), "w") as f:
            f.write("주민등록번호 900101-1234568\n")
        os.symlink(other, os.path.join(d, "mnt"))
        code, out, _ = run(["-f", "jsonl", "--follow", "--one-file-system", d])
        recs = parse_jsonl(out)
        check(any(r["kind"] == "file" and r["path"].endswith("/mnt") and "file system" in r["reason"]
                  for r in recs), "--one-file-system")
        code, out, _ = run(["-f", "jsonl", "--follow", d])
        check(any(r["kind"] == "finding" and r["path"].endswith("mnt/o.txt") for r in parse_jsonl(out)),
              "without --one-file-system the link is followed")
        os.unlink(os.path.join(d, "mnt"))
        import shutil
        shutil.rmtree(other)
    # an unreadable file: root reads everything, so run as nobody when root
    secret = os.path.join(d, "secret.txt")
    with open(secret, "w") as f:
        f.write("주민등록번호 900101-1234568\n")
    os.chmod(secret, 0)
    cmd = [PIISCAN, "-f", "jsonl", d]
    if os.geteuid() == 0:
        os.chmod(d, 0o755)
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    p = subprocess.run(cmd, capture_output=True)
    recs = parse_jsonl(p.stdout.decode())
    check(p.returncode == 2 and any(r["kind"] == "file" and r["path"] == secret and
                                    r["status"] == "error" for r in recs),
          "an unreadable file is reported and exits 2: %r" % (p.returncode,))
    check(SUMMARY.get("errors", 0) >= 1, "the summary counts the unreadable file")

# --- pre-commit: --staged scans the index, not the work tree
if subprocess.run(["git", "--version"], capture_output=True).returncode == 0:
    with tempfile.TemporaryDirectory() as d:
        g = lambda *a: subprocess.run(["git", "-C", d] + list(a), capture_output=True, check=True)
        g("init", "-q")
        g("config", "user.email", "t@example.com")
        g("config", "user.name", "t")
        with open(os.path.join(d, "clean.txt"), "w") as f:
            f.write("hello\n")
        g("add", "clean.txt")
        staged = lambda: subprocess.run([PIISCAN, "--staged", "-q", "-f", "jsonl"], cwd=d,
                                        capture_output=True)
        p = staged()
        check(p.returncode == 0, "--staged with clean staged content exits 0: %r" % p.stderr)
        # the work tree gets an RRN, the index does not: still clean
        with open(os.path.join(d, "clean.txt"), "a") as f:
            f.write("주민등록번호 900101-1234568\n")
        check(staged().returncode == 0, "--staged ignores unstaged changes")
        g("add", "clean.txt")
        p = staged()
        recs = parse_jsonl(p.stdout.decode())
        check(p.returncode == 1 and [r["path"] for r in recs if r["kind"] == "finding"]
              == ["clean.txt"] and b"refused" in p.stderr and b"piiscan:allow" in p.stderr,
              "--staged finds the staged RRN and says how to allow it: %r" % p.stderr)
        # the allow marker clears it
        with open(os.path.join(d, "clean.txt"), "w") as f:
            f.write("hello\n주민등록번호 900101-1234568 (test data) piiscan:allow\n")
        g("add", "clean.txt")
        check(staged().returncode == 0, "piiscan:allow on the line allows the commit")
        # a real hook: the commit is refused
        hook = os.path.join(d, ".git", "hooks", "pre-commit")
        with open(hook, "w") as f:
            f.write("#!/bin/sh\nexec '%s' --staged --quiet\n" % PIISCAN)
        os.chmod(hook, 0o755)
        with open(os.path.join(d, "leak.csv"), "w") as f:
            f.write("name,card\nkim,4111-1111-1111-1111\n")
        g("add", "leak.csv")
        c = subprocess.run(["git", "-C", d, "commit", "-q", "-m", "x"], capture_output=True)
        check(c.returncode != 0 and b"4111-1111-1111-1111" not in c.stderr,
              "the pre-commit hook refuses the commit without printing the value")
        with open(os.path.join(d, ".piiscanignore"), "w") as f:
            f.write("leak.csv\n")
        c = subprocess.run(["git", "-C", d, "commit", "-q", "-m", "x"], capture_output=True)
        check(c.returncode == 0, ".piiscanignore applies to --staged: %r" % c.stderr)

# --- poppler-glib is loaded on the first PDF only, and a PDF is reported
# unsupported (not clean, not a crash) where it cannot be loaded
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))
import gen_pdf  # noqa: E402  (the fixture generator's hand-made PDFs)
with tempfile.TemporaryDirectory() as d:
    pdf = os.path.join(d, "record.pdf")
    with open(pdf, "wb") as f:
        f.write(gen_pdf.simple())
    txt = os.path.join(d, "note.txt")
    with open(txt, "w") as f:
        f.write("주민등록번호 900101-1234568\n")
    env = dict(os.environ, LD_DEBUG="libs")
    p = subprocess.run([PIISCAN, "-f", "jsonl", txt], capture_output=True, env=env)
    loaded = [ln for ln in p.stderr.decode("utf-8", "replace").splitlines() if "libpoppler" in ln]
    check(p.returncode == 1 and not loaded, "a text file does not load poppler: %r" % loaded[:2])
    p = subprocess.run([PIISCAN, "-f", "jsonl", pdf], capture_output=True, env=env)
    soname = None
    for ln in p.stderr.decode("utf-8", "replace").splitlines():
        if "find library=libpoppler-glib.so" in ln:
            soname = ln.split("find library=")[1].split(" ")[0].split(";")[0]
    recs = parse_jsonl(p.stdout.decode())
    check(p.returncode == 1 and soname and [r for r in recs if r["kind"] == "finding"
                                            and r["path"] == pdf and r["type"] == "kr_rrn"],
          "a PDF loads %s and its RRN is found" % soname)
    if soname and shutil.which("cc"):
        # An impostor of that name without poppler's functions, found first.
        fake = os.path.join(d, "fake")
        os.mkdir(fake)
        src = os.path.join(fake, "empty.c")
        with open(src, "w") as f:
            f.write("int piiscan_test_not_poppler;\n")
        cc = subprocess.run(["cc", "-shared", "-fPIC", "-o", os.path.join(fake, soname), src],
                            capture_output=True)
        check(cc.returncode == 0, "cc builds the impostor library: %r" % cc.stderr)
        env = dict(os.environ, LD_LIBRARY_PATH=fake)
        p = subprocess.run([PIISCAN, "-f", "jsonl", pdf], capture_output=True, env=env)
        recs = parse_jsonl(p.stdout.decode())
        st = [r for r in recs if r["kind"] == "file" and r["path"] == pdf]
        check(p.returncode == 0 and len(st) == 1 and st[0]["status"] == "unsupported"
              and st[0]["reason"].startswith("PDF support not available")
              and SUMMARY.get("unsupported") == 1,
              "without poppler a PDF is reported unsupported: %r %r" % (p.returncode, st))

if failures:
    print("%d CLI check(s) failed" % len(failures))
    sys.exit(1)
print("all CLI checks passed")
