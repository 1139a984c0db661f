"""docs/examples/scan_folder_to_csv.py, run on a generated folder."""
import csv
import io
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import make_rrn, repo_root

SCRIPT = repo_root() / "docs" / "examples" / "scan_folder_to_csv.py"


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "share"
    (root / "인사").mkdir(parents=True)
    rrns = [make_rrn("800101", "1", f"{i:05d}") for i in range(5)]
    (root / "인사" / "직원.csv").write_text(
        "이름,주민등록번호,연락처\n" + "".join(f"직원{i},{r},010-2345-{6780 + i}\n"
                                            for i, r in enumerate(rrns)), encoding="utf-8")
    (root / "cp949.txt").write_bytes(f"고객 주민번호 {rrns[0]}\n".encode("cp949"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("2019/카드.txt", "카드번호 4111 1111 1111 1111\n")
    (root / "backup.zip").write_bytes(buf.getvalue())
    (root / "clean.txt").write_text("nothing personal\n")
    os.symlink("clean.txt", root / "link.txt")
    return root, rrns


def run(args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=120)


def test_example_writes_csv(folder, tmp_path):
    root, rrns = folder
    out = tmp_path / "report.csv"
    p = run([str(root), "-o", str(out)])
    assert p.returncode == 2, p.stderr            # findings, and a file not read (the link)
    assert "4 files read, 12 findings, 1 files or members not read" in p.stderr, p.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")        # BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    findings = [r for r in rows if r["kind"] == "finding"]
    by_type = {}
    for r in findings:
        by_type.setdefault(r["type"], []).append(r)
    assert len(by_type["kr_rrn"]) == 6 and len(by_type["kr_phone"]) == 5
    (card,) = by_type["card"]
    assert card["path"] == f"{root}/backup.zip!2019/카드.txt"
    assert card["text"] == "4111 11** **** 1111" and card["validation"] == "checksum"
    hr = [r for r in by_type["kr_rrn"] if r["path"].endswith("직원.csv")]
    assert [int(r["line"]) for r in hr] == [2, 3, 4, 5, 6]
    assert all(r["text"] == "800101-1******" for r in hr)
    (link,) = [r for r in rows if r["kind"] == "file"]
    assert link["path"] == f"{root}/link.txt" and link["status"] == "skipped"
    # no raw value anywhere in the report
    for r in rrns:
        assert r not in raw.decode("utf-8-sig") and r[7:] not in raw.decode("utf-8-sig")
    assert "4111 1111 1111 1111" not in raw.decode("utf-8-sig")


def test_example_options_and_exit_codes(folder, tmp_path):
    root, _ = folder
    p = run([str(root / "clean.txt")])
    assert p.returncode == 0 and p.stdout.splitlines()[0].startswith("kind,path")
    p = run([str(root), "--types", "card", "--exclude", "link.txt"])
    assert p.returncode == 1, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert [r["type"] for r in rows] == ["card"]
    p = run([str(root / "missing")])
    assert p.returncode == 2 and "missing" in p.stderr
