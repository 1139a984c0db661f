#!/usr/bin/env python3
"""End-to-end tests of the report formats (docs/reports.md): every jsonl line
validates against docs/schema/piiscan-jsonl.schema.json; the csv, sarif and
html reports of the same scan say what the jsonl report says; nothing leaks a
raw value without --show-raw (the html not even with it); hostile file names
stay text.  The html report is opened in a real headless browser (Debian's
chromium) and its rendered totals are compared with the jsonl summary.

Usage: test_reports.py PIISCAN_BINARY SOURCE_ROOT (run by ctest).  Exits 77
(skipped) when chromium or python3-jsonschema is missing and every other
check passed; tools/setup-debian.sh installs both."""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import zipfile
from html.parser import HTMLParser

PIISCAN, ROOT = sys.argv[1], sys.argv[2]
SCHEMA = os.path.join(ROOT, "docs", "schema", "piiscan-jsonl.schema.json")
failures, missing = [], []

try:
    import jsonschema
except ImportError:  # a pyenv/venv python beside Debian's python3-jsonschema
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
        missing.append("python3-jsonschema")


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def run(args, cwd=None):
    p = subprocess.run([PIISCAN] + args, capture_output=True, cwd=cwd)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


# --- the tree: plain files, a zip with members, an encrypted zip, a corrupt
# file, an old file (retention), and names that try to break each format.
RAW = ["900101-1234568", "880411-2238459", "850618-1811204", "010-2345-6789",
       "4111-1111-1111-1111", "gildong@example.co.kr", "010-9876-5432"]
RAW_FORMS = RAW + [r.replace("-", "") for r in RAW if "@" not in r]

tmp = tempfile.mkdtemp(prefix="piiscan-reports-")
tree = os.path.join(tmp, "share")
os.makedirs(os.path.join(tree, "hr"))
os.makedirs(os.path.join(tree, "<script>alert(1)<"))  # the file below lives in it


def write(rel, data):
    path = os.path.join(tree.encode(), rel if isinstance(rel, bytes) else rel.encode())
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


write("hr/customers.csv", "이름,주민등록번호,연락처\n홍길동,900101-1234568,010-2345-6789\n"
      "김영희,880411-2238459,gildong@example.co.kr\n이미 마스킹,900101-1******,010-****-6789\n")
write("hr/고객명단.txt", "카드번호 4111-1111-1111-1111\n")
write("<script>alert(1)</script>.txt", "주민번호 850618-1811204\n")
write('a "quoted", file.txt', "전화 010-9876-5432\n")
write("line\nbreak.txt", "주민번호 900101-1234568\n")
write(b"bad\xffname.txt", "주민번호 880411-2238459\n")
old = write("hr/old-export.csv", "홍길동,900101-1234568\n").decode()
os.utime(old, (1420070400, 1420070400))  # 2015-01-01: a retention breach
with zipfile.ZipFile(os.path.join(tree, "archive.zip"), "w") as z:
    z.writestr("list/members.csv", "회원,850618-1811204,010-2345-6789\n")
    z.writestr("readme.txt", "nothing here\n")
write("broken.zip", b"PK\x03\x04" + b"\xff" * 40)
have_zip = shutil.which("zip") is not None
if have_zip:
    subprocess.run(["zip", "-q", "-P", "pw", os.path.join(tree, "secret.zip"), "hr/customers.csv"],
                   cwd=tree, check=True)
else:
    print("note: no zip program, the encrypted-zip case is left out")

COMMON = ["--retention", "1y", "--fingerprint-key", "report-test-key", tree]


def scan(fmt, *extra):
    code, out, err = run(["--format", fmt] + list(extra) + COMMON)
    check(code == 2, "%s: exit status 2 (a corrupt file), got %d: %s" % (fmt, code, err))
    check(not any(r in err for r in RAW_FORMS), "%s: no raw value on stderr" % fmt)
    return out


# --- jsonl: every line validates against the schema
def jsonl_records(out):
    recs = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    check(recs and recs[-1]["kind"] == "summary", "jsonl ends with the summary")
    return recs


with open(SCHEMA, encoding="utf-8") as f:
    schema = json.load(f)
validator = None
if jsonschema:
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)


def validate_lines(recs, what):
    if not validator:
        return
    for r in recs:
        errs = list(validator.iter_errors(r))
        check(not errs, "%s: line %r fails the schema: %s" % (what, r, [e.message for e in errs]))


jsonl = scan("jsonl")
recs = jsonl_records(jsonl)
validate_lines(recs, "jsonl")
summary = recs[-1]


# Records are compared in a canonical order: the formats are compared with one
# another here, not the order of events (which the jsonl tests cover).
def fkey(j):
    return (j["path"], j["line"], j["offset"], j["type"])


def kkey(j):
    return (j["path"], j["status"])


findings = sorted((r for r in recs if r["kind"] == "finding"), key=fkey)
files = sorted((r for r in recs if r["kind"] == "file"), key=kkey)
statuses = {r["status"] for r in files}
check(len(findings) >= 10, "the tree yields findings: %d" % len(findings))
check(any("!" in r["path"] for r in findings), "findings in zip members")
check("error" in statuses, "the corrupt zip is an error record: %r" % files)
check(not have_zip or "encrypted" in statuses, "the encrypted zip is an encrypted record")
check(any(r.get("retention_breach") and r["path"] == old for r in files),
      "the old file is a retention breach")
check(all("fingerprint" in r for r in findings), "fingerprints with a key")
check(not any(r in jsonl.decode() for r in RAW_FORMS), "jsonl: no raw value")
for extra, what in ((["--show-raw"], "jsonl --show-raw"), (["--unmasked-only"], "jsonl plain")):
    code, out, _ = run(["--format", "jsonl"] + extra + [tree])
    validate_lines(jsonl_records(out), what)
# a wrong line must fail: the schema is not vacuous
if validator:
    bad = dict(findings[0], kind="finding", extra_field=1)
    check(list(validator.iter_errors(bad)), "schema rejects an unknown field")
    bad = dict(findings[0], confidence="certain")
    check(list(validator.iter_errors(bad)), "schema rejects a bad confidence")


# --- csv
def guard(s):
    return "'" + s if len(s) > 1 and s[0] in ("=", "+", "-", "@", "\t", "\r") else s


HEADER = ["kind", "path", "line", "offset", "length", "type", "type_name", "masked", "match",
          "validation", "confidence", "fingerprint", "status", "reason", "format", "mtime",
          "age_days", "retention_breach"]


def csv_rows(out, header):
    check(out.startswith(b"\xef\xbb\xbf"), "csv starts with a UTF-8 BOM")
    check(out.split(b"\n", 1)[0].endswith(b"\r"), "csv lines end with CRLF")
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    check(rows and rows[0] == header, "csv header %r" % (rows[:1],))
    return [dict(zip(rows[0], r)) for r in rows[1:]] if rows else []


csv_out = scan("csv")
rows = csv_rows(csv_out, HEADER)
check(all(len(r) == len(HEADER) for r in rows), "every csv row has every column")
check(len(rows) == len(findings) + len(files), "one csv row per finding and file record")
def unguard(s):
    return s[1:] if s[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r") else s


frows = sorted((r for r in rows if r["kind"] == "finding"),
               key=lambda r: (unguard(r["path"]), int(r["line"]), int(r["offset"]), r["type"]))
check(len(frows) == len(findings), "csv finding rows %d == jsonl findings %d"
      % (len(frows), len(findings)))
for r, j in zip(frows, findings):
    want = {"path": guard(j["path"]), "line": str(j["line"]), "offset": str(j["offset"]),
            "length": str(j["length"]), "type": j["type"],
            "masked": "true" if j["masked"] else "false", "match": guard(j["match"]),
            "validation": j["validation"], "confidence": j["confidence"],
            "fingerprint": j.get("fingerprint", ""), "status": "", "reason": ""}
    got = {k: r[k] for k in want}
    check(got == want, "csv row %r == jsonl %r" % (got, want))
    check(r["type_name"] != "", "csv type_name filled")
krows = sorted((r for r in rows if r["kind"] == "file"),
               key=lambda r: (unguard(r["path"]), r["status"]))
check(len(krows) == len(files), "csv file rows == jsonl file records")
for r, j in zip(krows, files):
    want = {"path": guard(j["path"]), "status": j["status"], "reason": guard(j["reason"]),
            "format": j.get("format", ""), "mtime": str(j["mtime"]) if "mtime" in j else "",
            "age_days": str(j["age_days"]) if "age_days" in j else "",
            "retention_breach": {True: "true", False: "false", None: ""}[j.get("retention_breach")],
            "line": "", "type": "", "match": ""}
    got = {k: r[k] for k in want}
    check(got == want, "csv file row %r == jsonl %r" % (got, want))
check(any('"' in r["path"] and "," in r["path"] for r in frows),
      "csv round-trips quotes and commas in paths")
check(b'"' + tree.encode() + b'/a ""quoted"", file.txt"' in csv_out, "csv quotes as RFC 4180 says")
check(not any(r in csv_out.decode("utf-8-sig") for r in RAW_FORMS), "csv: no raw value")
raw_rows = csv_rows(run(["--format", "csv", "--show-raw", tree])[1],
                    HEADER[:12] + ["raw"] + HEADER[12:])
check(any(r["raw"] in RAW for r in raw_rows if r["kind"] == "finding"),
      "csv --show-raw adds the raw column")
# formula injection: names a spreadsheet would evaluate, given as they are
fdir = os.path.join(tmp, "formula")
os.makedirs(fdir)
names = ["=1+1.txt", "+cmd.txt", "-2.txt", "@SUM(A1).txt"]
for n in names:
    with open(os.path.join(fdir, n), "w") as f:
        f.write("주민번호 900101-1234568\n")
code, out, _ = run(["--format", "csv", "--"] + names, cwd=fdir)
got = sorted(r["path"] for r in csv_rows(out, HEADER) if r["kind"] == "finding")
check(got == sorted("'" + n for n in names), "csv guards formula-like cells: %r" % got)
p = subprocess.run([PIISCAN, "--format", "csv", "-"], input="연락처 +82-10-2345-6789\n".encode(),
                   capture_output=True)
got = [(r["path"], r["match"]) for r in csv_rows(p.stdout, HEADER) if r["kind"] == "finding"]
check(got == [("-", "'+82-10-****-6789")], "csv: standard input is '-', a +82 match is guarded: %r"
      % got)


# --- sarif
def uri_path(loc):
    # the uri keeps a file name's exact bytes; jsonl writes U+FFFD for each invalid byte
    return urllib.parse.unquote(loc["physicalLocation"]["artifactLocation"]["uri"],
                                errors="replace")


def level(j):
    return "note" if j["masked"] else "error" if j["confidence"] == "high" else "warning"


sarif_out = scan("sarif")
log = json.loads(sarif_out)
check(log.get("version") == "2.1.0" and "sarif" in log.get("$schema", ""), "sarif version")
check(len(log.get("runs", [])) == 1, "one run")
run0 = log["runs"][0]
driver = run0["tool"]["driver"]
check(driver["name"] == "piiscan" and driver.get("version") == summary["version"],
      "tool.driver name and version")
rule_ids = [r["id"] for r in driver["rules"]]
check(sorted(rule_ids) == sorted({j["type"] for j in findings}),
      "one rule per type seen: %r" % rule_ids)
check(all(r.get("name") and r["shortDescription"]["text"] for r in driver["rules"]),
      "rules carry their names")
results = sorted(run0["results"], key=lambda r: (
    uri_path(r["locations"][0]), r["locations"][0]["physicalLocation"]["region"]["startLine"],
    r["properties"]["offset"], r["ruleId"]))
check(len(results) == len(findings), "one result per finding")
for res, j in zip(results, findings):
    check(res["ruleId"] == j["type"] and rule_ids[res["ruleIndex"]] == j["type"],
          "ruleId/ruleIndex %r" % res)
    check(res["level"] == level(j), "level of %r is %s" % (j, res["level"]))
    check(j["match"] in res["message"]["text"], "message %r shows the masked match %r"
          % (res["message"]["text"], j["match"]))
    loc = res["locations"][0]
    check(uri_path(loc) == j["path"], "uri %r is the path %r" % (loc, j["path"]))
    check(loc["physicalLocation"]["region"]["startLine"] == j["line"], "startLine")
    check(res["partialFingerprints"] == {"piiscanValueHmac/v1": j["fingerprint"]},
          "partialFingerprints")
check(any(uri_path(r["locations"][0]).count("!") for r in results), "member uris keep '!'")
inv = run0["invocations"]
check(len(inv) == 1 and inv[0]["executionSuccessful"] is False,
      "one invocation, unsuccessful (an unreadable file)")
notes = sorted(inv[0].get("toolExecutionNotifications", []),
               key=lambda n: (uri_path(n["locations"][0]), n["properties"]["status"]))
check(len(notes) == len(files), "one notification per file record: %d vs %d"
      % (len(notes), len(files)))
for n, j in zip(notes, files):
    want = "retention_breach" if j["status"] == "ok" else j["status"]
    check(n["descriptor"]["id"] == want and uri_path(n["locations"][0]) == j["path"]
          and n["message"]["text"], "notification %r for %r" % (n, j))
    check(n["level"] == ("error" if j["status"] == "error" else "note" if j["status"] == "ok"
                         else "warning"), "notification level %r" % n)
# SARIF's required properties (sarif-schema-2.1.0.json), checked by hand: the
# schema's licence keeps it out of this repository; PIISCAN_SARIF_SCHEMA may
# name a copy to validate against as well.
check(all(k in log for k in ("version", "runs")) and "tool" in run0 and "driver" in run0["tool"]
      and all("message" in r and "text" in r["message"] for r in results)
      and all("id" in r for r in driver["rules"]) and all("message" in n for n in notes)
      and all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results),
      "sarif required properties")
if os.environ.get("PIISCAN_SARIF_SCHEMA") and jsonschema:
    with open(os.environ["PIISCAN_SARIF_SCHEMA"], encoding="utf-8") as f:
        ss = json.load(f)
    errs = list(jsonschema.validators.validator_for(ss)(ss).iter_errors(log))
    check(not errs, "sarif validates against %s: %s"
          % (os.environ["PIISCAN_SARIF_SCHEMA"], [e.message for e in errs[:3]]))
check(not any(r in sarif_out.decode() for r in RAW_FORMS), "sarif: no raw value")
raw_log = json.loads(run(["--format", "sarif", "--show-raw", tree])[1])
check(any(r["properties"].get("raw") in RAW for r in raw_log["runs"][0]["results"]),
      "sarif --show-raw puts the raw value in properties")
check(not any(r in res["message"]["text"] for res in raw_log["runs"][0]["results"] for r in RAW),
      "sarif messages stay masked even with --show-raw")

# --- html: static checks, then a real browser
html_out = scan("html", "--show-raw")  # --show-raw must change nothing
html = html_out.decode("utf-8")
check(not any(r in html for r in RAW_FORMS), "html: no raw value, even with --show-raw")
check("<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in html,
      "html escapes a hostile file name")
lower = html.lower()
check(not any(s in lower for s in (" src=", " href=", "url(", "@import", "<link", "<img",
                                   "<iframe", "<object")), "html loads no external asset")
check(lower.count("<script") == 1 and '<script type="application/json"' in lower,
      "html has no script but the JSON data block")
check(not any(r in scan("html").decode() for r in RAW_FORMS), "html: no raw value")

# the page keeps 5,000 rows per table and says how many it left out
big = os.path.join(tmp, "big.txt")
with open(big, "w") as f:
    f.write("주민번호 900101-1234568\n" * 5010)
code, out, _ = run(["--format", "html", big])
page = out.decode()
check(page.count('<tr class="unmasked">') == 5000 and "10 more rows not shown" in page,
      "html caps the findings table at 5,000 rows and says so")
check('data-total="findings" data-value="5010"' in page, "the totals count every finding")


class DOM(HTMLParser):
    """The rendered DOM: data-total values, script blocks, finding rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.totals, self.scripts, self.stack = {}, [], []
        self.rows, self.cur = [], None
        self.section = None
        self.text_of = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id")
        if "data-total" in a:
            self.totals[a["data-total"]] = [a.get("data-value"), ""]
            self.text_of = a["data-total"]
        if tag == "script":
            self.scripts.append([a.get("type"), ""])
        if tag == "tr" and self.section == "findings":
            self.cur = []
        if tag == "td" and self.cur is not None:
            self.cur.append("")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "tr" and self.cur is not None:
            if self.cur:
                self.rows.append(self.cur)
            self.cur = None
        if self.text_of and tag in ("span", "div", "td"):
            self.text_of = None
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.text_of:
            self.totals[self.text_of][1] += data
        if self.stack and self.stack[-1] == "script" and self.scripts:
            self.scripts[-1][1] += data
        if self.cur:
            self.cur[-1] += data


chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    missing.append("chromium")
else:
    page = os.path.join(tmp, "report.html")
    with open(page, "wb") as f:
        f.write(html_out)
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + profile, "--dump-dom", "file://" + page],
                       capture_output=True, timeout=180)
    dom_text = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0 and "</html>" in dom_text,
          "chromium renders the page (exit %d): %s" % (p.returncode, p.stderr[-500:]))
    dom = DOM()
    dom.feed(dom_text)
    want = {k: summary[k] for k in ("files", "members", "bytes", "findings", "masked", "unmasked",
                                    "files_with_findings", "encrypted", "protected", "errors",
                                    "skipped", "unsupported", "retention_breaches")}
    got = {k: int(v[0]) for k, v in dom.totals.items()}
    shown = {k: int(v[1].replace(",", "")) for k, v in dom.totals.items()}
    check(got == want, "rendered totals %r == jsonl summary %r" % (got, want))
    check(shown == want, "rendered total texts %r == jsonl summary" % shown)
    data = [json.loads(s[1]) for s in dom.scripts if s[0] == "application/json"]
    check(len(dom.scripts) == 1 and len(data) == 1, "one script element, the JSON block")
    if data:
        j = {k: v for k, v in summary.items() if k not in ("kind", "seconds", "started")}
        d = {k: v for k, v in data[0].items() if k not in ("seconds", "started")}
        check(d == j, "the JSON block %r equals the jsonl summary %r" % (d, j))
    check(len(dom.rows) == len(findings), "one rendered row per finding: %d vs %d"
          % (len(dom.rows), len(findings)))
    check(sorted(r[0] for r in dom.rows) == sorted(j["path"] for j in findings),
          "rendered paths equal the findings' paths (the hostile one as text)")
    check(any(r[0].endswith("<script>alert(1)</script>.txt") for r in dom.rows),
          "the hostile name renders as text")
    check(sorted((r[0], int(r[1]), r[3]) for r in dom.rows)
          == sorted((j["path"], j["line"], j["match"]) for j in findings),
          "rendered values are the masked matches")

shutil.rmtree(tmp, ignore_errors=True)
if failures:
    print("%d report check(s) failed" % len(failures))
    sys.exit(1)
if missing:
    print("SKIP: %s not installed (tools/setup-debian.sh installs it); other checks passed"
          % ", ".join(missing))
    sys.exit(77)
print("all report checks passed")
