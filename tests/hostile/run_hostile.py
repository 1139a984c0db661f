#!/usr/bin/env python3
"""The hostile-input suite (issue 7): run_hostile.py PIISCAN SOURCE_DIR WORK_DIR FIXTURE_DIR [--sanitized]

Each case runs the CLI once (`-f jsonl -q -j1`) on inputs made by
gen_hostile.py (and, for the file-system cases, made here: symbolic-link
loops, a FIFO, an unreadable file, a sparse 4 GiB file, a 200 MiB line).
For each case it checks the expected statuses and exit code, that the run
ended within its time bound, and that the peak resident memory of the CLI
(ru_maxrss from wait4, i.e. getrusage of that one child) stayed under
256 MB; that nothing was written outside WORK_DIR; and that no sanitizer
report appeared.  It prints a table (case, status, seconds, peak MB) and
writes it to WORK_DIR/hostile-table.md.

--sanitized (the ASan+UBSan build): memory is reported but not bounded
(ASan's shadow and quarantine are not the scanner's), time bounds are x6,
and the two multi-gigabyte cases are run smaller (sparse file 256 MiB,
long line 20 MiB)."""
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import time

PIISCAN, SRC, WORK, FIXTURES = [os.path.abspath(a) for a in sys.argv[1:5]]
SANITIZED = "--sanitized" in sys.argv[5:]
MEM_LIMIT_MB = 256
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
TIME_SCALE = 6 if SANITIZED else 1
MARKER = "piiscan-hostile-%d" % os.getpid()
RRN = "900101-1234568"

failures = []
rows = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run_cli(args, bound, cwd, as_nobody=False):
    """Runs the CLI; returns (exit code, records, stderr, seconds, peak MB, timed out).

    The peak is measured by GNU time (wait4 of its child) when it is
    installed: a process's ru_maxrss starts from the RSS of the process that
    forked it, and time is small where this Python process is not.  Without
    it, wait4 here gives an upper bound."""
    cmd = [PIISCAN, "-f", "jsonl", "-q", "-j1"] + args
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    out_path = os.path.join(WORK, "out.jsonl")
    err_path = os.path.join(WORK, "err.txt")
    rss_path = os.path.join(WORK, "rss.txt")
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_path] + cmd
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                             start_new_session=True)
        timed_out = False
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > bound * 2 + 5:  # well past the bound: stop it
                os.killpg(p.pid, signal.SIGKILL)
                timed_out = True
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.01)
        secs = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
    mb = ru.ru_maxrss / 1024.0
    if GNU_TIME and not timed_out:
        with open(rss_path) as f:
            last = f.read().strip().splitlines()
        mb = int(last[-1]) / 1024.0  # "Command exited with non-zero status N" comes first
    recs = []
    with open(out_path, "rb") as f:
        for line in f:
            try:
                recs.append(json.loads(line))
            except ValueError:
                fail("%s: a report line is not JSON: %r" % (args, line[:200]))
    with open(err_path, "rb") as f:
        err = f.read().decode("utf-8", "replace")
    return p.returncode, recs, err, secs, mb, timed_out


def statuses(recs):
    """path -> status of every file record."""
    return {r["path"]: r["status"] for r in recs if r.get("kind") == "file"}


def case(name, args, bound, expect_code, check=None, cwd=None, as_nobody=False, what=None):
    """Runs one case and records its row.  check(recs) returns a list of problems."""
    bound *= TIME_SCALE
    code, recs, err, secs, mb, timed_out = run_cli(args, bound, cwd or WORK, as_nobody)
    problems = []
    codes = expect_code if isinstance(expect_code, (set, tuple, list)) else {expect_code}
    if code not in codes:
        problems.append("exit %d, expected %s" % (code, sorted(codes)))
    if timed_out or secs > bound:
        problems.append("took %.1f s, bound %d s" % (secs, bound))
    if not SANITIZED and mb > MEM_LIMIT_MB:
        problems.append("peak memory %.0f MB over %d MB" % (mb, MEM_LIMIT_MB))
    for bad in ("Sanitizer", "runtime error:", "LeakSanitizer", "Segmentation"):
        if bad in err:
            problems.append("sanitizer or crash report on stderr: %s" % err[:2000])
            break
    if check:
        problems += check(recs)
    summary = next((r for r in recs if r.get("kind") == "summary"), None)
    if summary is None and not timed_out:
        problems.append("no summary record")
    st = what(recs, code) if what else describe(recs, args)
    rows.append((name, st, secs, mb, bound))
    for p in problems:
        fail("%s: %s" % (name, p))
    return recs


def describe(recs, args):
    """The status column: the statuses of the named paths (ok when no record)."""
    s = statuses(recs)
    counts = collections.Counter()
    for a in args:
        if a.startswith("-") or not os.path.lexists(os.path.join(WORK, a)):
            continue  # an option or its value
        p = os.path.join(WORK, a)
        if os.path.isdir(p) and not os.path.islink(p):
            for dp, dn, fn in os.walk(p):
                for f in fn:
                    rel = os.path.relpath(os.path.join(dp, f), WORK)
                    counts[s.get(rel, "ok")] += 1
        else:
            counts[s.get(a, "ok")] += 1
    if len(counts) == 1 and sum(counts.values()) == 1:
        return next(iter(counts))
    return ", ".join("%s %d" % (k, v) for k, v in sorted(counts.items()))


def expect_status(path, want, reason_part=None):
    def check(recs):
        s = statuses(recs)
        got = s.get(path, "ok")
        wants = want if isinstance(want, (set, tuple)) else {want}
        out = []
        if got not in wants:
            out.append("%s is %s, expected %s" % (path, got, "/".join(sorted(wants))))
        if reason_part:
            reasons = [r.get("reason", "") for r in recs if r.get("path") == path]
            if not any(reason_part in x for x in reasons):
                out.append("%s: no reason containing %r (got %r)" % (path, reason_part, reasons))
        return out
    return check


def expect_finding(path, typ="kr_rrn", at_least=1, prefix=False):
    def check(recs):
        n = sum(1 for r in recs if r.get("kind") == "finding" and r["type"] == typ and
                (r["path"].startswith(path) if prefix else r["path"] == path))
        return [] if n >= at_least else ["%d %s findings in %s, expected >= %d" % (n, typ, path, at_least)]
    return check


def all_of(*checks):
    return lambda recs: [p for c in checks if c for p in c(recs)]


def no_raw_values(recs):
    return ["a raw value was printed"] if any(RRN in json.dumps(r, ensure_ascii=False) for r in recs) else []


def every_record_sane(recs):
    """Every path has no control characters; every status is known."""
    out = []
    for r in recs:
        p = r.get("path", "")
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in p):
            out.append("control character in a reported path: %r" % p[:100])
        if r.get("kind") == "file" and r.get("status") not in (
                "encrypted", "protected", "error", "skipped", "unsupported"):
            out.append("unknown status %r" % r.get("status"))
    return out


def main():
    os.makedirs(WORK, exist_ok=True)
    os.chmod(WORK, 0o755)
    gen = os.path.join(WORK, "in")
    if not os.path.isdir(os.path.join(FIXTURES, "archive")):
        subprocess.run(["bash", os.path.join(SRC, "tests", "fixtures", "make_all.sh"), FIXTURES],
                       check=True, stdout=subprocess.DEVNULL)
    # In a child process, so that this one stays small: a child's ru_maxrss
    # starts from the RSS of the process that forked it.
    ntrunc = json.loads(subprocess.run(
        [sys.executable, "-c", "import json, sys; sys.path.insert(0, sys.argv[1]); import gen_hostile; "
         "print(json.dumps(gen_hostile.main(*sys.argv[2:])))", os.path.dirname(os.path.abspath(__file__)),
         gen, FIXTURES, MARKER], check=True, capture_output=True).stdout)
    os.chdir(WORK)
    I = lambda *p: os.path.join("in", *p)  # noqa: E731
    sane = every_record_sane

    # ---- archives --------------------------------------------------------------
    case("zip bomb (one 10 GiB member)", [I("bomb-10g.zip")], 10, 0,
         all_of(sane, expect_status(I("bomb-10g.zip"), "skipped", "ratio")))
    case("nested zip bomb (4 levels x 16, 64 TiB)", [I("bomb-nested.zip")], 10, 0,
         all_of(sane, expect_status(I("bomb-nested.zip"), "skipped", "ratio")))
    case("zip nested 30 deep", [I("deep-zip-30.zip")], 10, 1,
         all_of(sane, expect_finding(I("deep-zip-30.zip") + "!l1.zip!l2.zip!", at_least=6, prefix=True),
                lambda recs: [] if any(r.get("status") == "skipped" and "deeper" in r.get("reason", "")
                                       for r in recs) else ["no member skipped for depth"]))
    case("zip/tar.gz alternating 12 deep", [I("deep-mixed-12.zip")], 10, 0,
         all_of(sane, lambda recs: [] if any("deeper" in r.get("reason", "") for r in recs)
                else ["no member skipped for depth"]))
    case("gzip of data that begins with NUL blocks (alone; in a tar)", [I("zero-head")], 10, {1, 2},
         all_of(sane, expect_finding(I("zero-head", "disk.img.gz") + "!disk.img"),
                expect_status(I("zero-head", "disk.tar") + "!disk.img.gz", "error", "zero blocks")),
         what=lambda recs, code: "read as one file (RRN found); in a tar: member error")
    case("2,000 members, --max-members 1000", ["--max-members", "1000", I("many-members.zip")], 10, 0,
         all_of(sane, expect_status(I("many-members.zip"), "skipped", "members")))

    def names_check(recs):
        out = every_record_sane(recs) + no_raw_values(recs)
        paths = [r["path"] for r in recs if r.get("kind") == "finding"]
        for want in ["evil-names.zip!../../../../../../tmp/%s-zip.txt" % MARKER,
                     "evil-names.zip!/tmp/%s-abs.txt" % MARKER,
                     "evil-names.tar!../../../../../../tmp/%s-tar.txt" % MARKER]:
            if not any(p.endswith(want) for p in paths):
                out.append("member %s not reported as it is named" % want)
        if any(len(p) > 1200 for p in paths):
            out.append("a member name was not cut at 1 KiB")
        for f in os.listdir("/tmp"):
            if f.startswith(MARKER):
                out.append("/tmp/%s was written" % f)
        return out
    before = sorted(os.listdir(WORK))
    case("member names ../, /abs, C:, control chars, 5 KB; tar links to /etc",
         [I("names")], 10, 1, names_check)
    if sorted(os.listdir(WORK)) != before:
        fail("the scan wrote into its working directory: %s" % (set(os.listdir(WORK)) ^ set(before)))

    # ---- file system -------------------------------------------------------------
    fs = os.path.join(WORK, "fs")
    shutil.rmtree(fs, ignore_errors=True)
    os.makedirs(os.path.join(fs, "loops", "d"))
    os.symlink("b", os.path.join(fs, "loops", "a"))
    os.symlink("a", os.path.join(fs, "loops", "b"))
    os.symlink("self", os.path.join(fs, "loops", "self"))
    os.symlink("..", os.path.join(fs, "loops", "d", "up"))
    os.symlink(os.path.join(fs, "loops"), os.path.join(fs, "loops", "d", "abs-up"))
    with open(os.path.join(fs, "loops", "d", "f.txt"), "w") as f:
        f.write(RRN + "\n")
    case("symlink loops (a->b->a, self, dir -> ..)", ["fs/loops"], 10, 1,
         all_of(sane, expect_finding("fs/loops/d/f.txt"),
                expect_status("fs/loops/a", "skipped"), expect_status("fs/loops/self", "skipped")))
    case("symlink loops with --follow", ["--follow", "fs/loops"], 10, 2,
         all_of(sane, expect_finding("fs/loops/d/f.txt"), expect_status("fs/loops/a", "error", "loop"),
                expect_status("fs/loops/d/up", "skipped", "already walked")))
    case("symlink loop named on the command line, --follow", ["--follow", "fs/loops/a"], 10, 2,
         all_of(sane, expect_status("fs/loops/a", "error")))

    open(os.path.join(fs, "empty"), "w").close()
    case("0-byte file", ["fs/empty"], 10, 0,
         all_of(expect_status("fs/empty", "ok"),
                lambda recs: [] if any(r.get("kind") == "summary" and r["files"] == 1 for r in recs)
                else ["the empty file was not counted as scanned"]))

    os.mkfifo(os.path.join(fs, "fifo"))
    case("FIFO named on the command line", ["fs/fifo"], 10, 0,
         expect_status("fs/fifo", "skipped", "FIFO"))
    os.makedirs(os.path.join(fs, "withfifo"))
    os.mkfifo(os.path.join(fs, "withfifo", "pipe"))
    with open(os.path.join(fs, "withfifo", "a.txt"), "w") as f:
        f.write(RRN + "\n")
    case("FIFO in a directory", ["fs/withfifo"], 10, 1,
         all_of(expect_status("fs/withfifo/pipe", "skipped", "FIFO"), expect_finding("fs/withfifo/a.txt")))

    secret = os.path.join(fs, "unreadable.txt")
    with open(secret, "w") as f:
        f.write(RRN + "\n")
    os.chmod(secret, 0)
    as_root = os.geteuid() == 0
    if as_root and shutil.which("setpriv"):
        os.chmod(fs, 0o755)  # nobody must reach the file to be refused by it
        case("unreadable file (run as nobody)", ["fs/unreadable.txt"], 10, 2,
             all_of(expect_status("fs/unreadable.txt", "error", "ermission"), no_raw_values), as_nobody=True)
    elif not as_root:
        case("unreadable file", ["fs/unreadable.txt"], 10, 2,
             expect_status("fs/unreadable.txt", "error", "ermission"))
    else:
        print("SKIP: unreadable file (root without setpriv)")

    big = os.path.join(fs, "sparse")
    size = (256 << 20) if SANITIZED else (4 << 30)
    with open(big, "wb") as f:
        f.truncate(size)
    label = "sparse %s file of zeros" % ("256 MiB" if SANITIZED else "4 GiB")
    case(label, ["fs/sparse"], 300, 0,
         all_of(expect_status("fs/sparse", "ok"),
                lambda recs: [] if any(r.get("kind") == "summary" and r["bytes"] == size for r in recs)
                else ["not every byte of the sparse file was scanned"]))
    case(label + ", --max-filesize 1M", ["--max-filesize", "1M", "fs/sparse"], 10, 0,
         expect_status("fs/sparse", "skipped", "larger than"))
    os.unlink(big)

    # ---- text --------------------------------------------------------------------
    line = os.path.join(fs, "line")
    mb = 20 if SANITIZED else 200
    with open(line, "wb") as f:
        block = b"abcdefgh" * (1 << 17)  # 1 MiB of letters, no newline
        for _ in range(mb):
            f.write(block)
        f.write((" " + RRN).encode())
    case("a %d MiB line without a newline, RRN at its end" % mb, ["fs/line"], 120, 1,
         all_of(expect_finding("fs/line"),
                lambda recs: [] if any(r.get("kind") == "finding" and r["line"] == 1 and
                                       r["offset"] == mb * (1 << 20) + 1 for r in recs)
                else ["the RRN at the end of the line has a wrong line or offset"]))
    os.unlink(line)
    os.makedirs(os.path.join(fs, "runs"))
    n = 4 if SANITIZED else 20
    for name, unit in [("digits", b"1234567890"), ("dash-groups", b"010-1234-"), ("at-signs", b"a@b."),
                       ("hangul-digits", "주1".encode())]:
        with open(os.path.join(fs, "runs", name), "wb") as f:
            f.write(unit * ((n << 20) // len(unit)))
    case("%d MiB lines of candidates (digits, 010-1234-, a@b., 주1)" % n, ["fs/runs"], 60, {0, 1}, sane)
    shutil.rmtree(os.path.join(fs, "runs"))
    case("invalid UTF-8 (overlong, surrogates, cut sequences)", [I("invalid-utf8.txt")], 10, 1,
         expect_finding(I("invalid-utf8.txt"), at_least=4))
    case("invalid UTF-16 (lone surrogates, odd length; LE+BOM, BE)", [I("invalid-utf16")], 10, 1,
         all_of(expect_finding(I("invalid-utf16", "le-bom.txt"), at_least=4),
                expect_finding(I("invalid-utf16", "be-nobom.txt"), at_least=100)))
    case("broken CP949 (lead bytes without trail)", [I("cp949-broken.txt")], 10, 1,
         expect_finding(I("cp949-broken.txt"), at_least=1000))

    # ---- documents -----------------------------------------------------------------
    case("PDF object graphs that loop (Kids, Parent, /Prev, Length, ObjStm)", [I("pdf-loops")], 20,
         {0, 1, 2}, all_of(sane, expect_finding(I("pdf-loops", "kids-self.pdf"))))
    case("HWP record sizes that lie (4 GiB, cut headers, tables, bomb)", [I("hwp-lies")], 20, 2,
         all_of(sane, expect_status(I("hwp-lies", "ext-4g.hwp"), "error", "record size"),
                expect_finding(I("hwp-lies", "ext-4g.hwp")),
                expect_status(I("hwp-lies", "hwp-size-lies.hwp"), "error"),
                expect_status(I("hwp-lies", "section-bomb.hwp"), "skipped")))
    case("CFB chains and directories that loop or lie", [I("cfb-loops")], 20, 2,
         all_of(sane, expect_status(I("cfb-loops", "cfb-fat-loop.cfb"), "error", "loop"),
                expect_status(I("cfb-loops", "cfb-dir-cycle.cfb"), "error", "cycle")))
    case("XML entities (billion laughs, XXE), malformed XML", [I("xml-entities")], 20, 2,
         all_of(sane, expect_status(I("xml-entities", "laughs.docx"), "error", "entity"),
                expect_status(I("xml-entities", "xxe.docx"), "error", "entity")))
    case("docx nested 100,000 elements deep", [I("deep-xml.docx")], 20, 0,
         expect_status(I("deep-xml.docx"), "skipped", "nesting"))
    case("mail with multiparts nested 5,000 deep", [I("deep-mime.eml")], 20, {0, 1},
         expect_status(I("deep-mime.eml"), "skipped", "nesting"))
    for group, n in ntrunc.items():
        d = I("truncated-" + group)
        case("truncated %s (%d cuts)" % (group, n), [d], 60, {0, 1, 2},
             all_of(sane, no_raw_values,
                    lambda recs, n=n: [] if any(r.get("kind") == "summary" and
                                                r["files"] == n for r in recs)
                    else ["not every cut file was scanned (expected %d)" % n]))

    # ---- the table -------------------------------------------------------------------
    lines = ["| case | status | seconds | bound s | peak MB |", "|---|---|---:|---:|---:|"]
    for name, st, secs, mb, bound in rows:
        lines.append("| %s | %s | %.2f | %d | %.0f |" % (name, st, secs, bound, mb))
    table = "\n".join(lines)
    print(table)
    with open(os.path.join(WORK, "hostile-table.md"), "w") as f:
        f.write("<!-- %s build -->\n%s\n" % ("sanitizer" if SANITIZED else "normal", table))
    import resource
    if not GNU_TIME:
        print("no /usr/bin/time: peaks are upper bounds (this runner's own peak is %.0f MB)"
              % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))
    print("%d cases, %d failures%s" % (len(rows), len(failures),
                                        " (sanitizer build: memory not bounded)" if SANITIZED else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
