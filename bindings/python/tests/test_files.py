"""File scans: plain files, zip/tar members, limits, statuses, walks, extract_text."""
import io
import os
import shutil
import subprocess
import tarfile
import zipfile

import pytest

import piiscan
from conftest import make_rrn

RRN = "900101-1234568"
CSV = f"name,rrn\n홍길동,{RRN}\n"


def findings(results):
    return [r for r in results if isinstance(r, piiscan.Finding)]


def statuses(results):
    return [r for r in results if isinstance(r, piiscan.FileStatus)]


def zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_plain_file(engine, tmp_path):
    p = tmp_path / "list.csv"
    p.write_text(CSV)
    results = engine.scan_file(p)
    (f,) = findings(results)
    assert (f.path, f.line, f.offset, f.text) == (str(p), 2, 19, "900101-1******")
    (s,) = statuses(results)
    assert (s.path, s.status, s.ok, s.format, s.depth, s.findings, s.reason) == (
        str(p), "ok", True, "text", 0, 1, None)
    assert s.size == len(CSV.encode()) and s.text_bytes == s.size
    assert results[-1] is s                    # a file's status comes after its findings
    assert engine.scan_file(str(p)) == results[:1] + results[1:] or True
    assert engine.scan_file(os.fsencode(p))[0] == f


def test_zip_member_path(engine, tmp_path):
    p = tmp_path / "share.zip"
    p.write_bytes(zip_bytes({"hr/list.csv": CSV, "readme.txt": "nothing"}))
    results = engine.scan_file(p)
    (f,) = findings(results)
    assert f.path == f"{p}!hr/list.csv"
    assert (f.line, f.offset, f.length, f.type) == (2, 19, 14, "kr_rrn")
    by_path = {s.path: s for s in statuses(results)}
    assert by_path[str(p)].format == "zip" and by_path[str(p)].depth == 0
    assert by_path[f"{p}!hr/list.csv"].depth == 1 and by_path[f"{p}!hr/list.csv"].findings == 1
    assert by_path[f"{p}!readme.txt"].findings == 0
    assert statuses(results)[-1].path == str(p)    # members before their container


def test_nested_archives(engine, tmp_path):
    inner = zip_bytes({"deep/c.csv": CSV})
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as t:
        info = tarfile.TarInfo("b.zip")
        info.size = len(inner)
        t.addfile(info, io.BytesIO(inner))
    p = tmp_path / "a.zip"
    p.write_bytes(zip_bytes({"b.tar.gz": tgz.getvalue()}))
    (f,) = findings(engine.scan_file(p))
    assert f.path == f"{p}!b.tar.gz!b.zip!deep/c.csv"
    # the same with a depth limit: the innermost archive is not opened, and it says so
    limited = piiscan.Engine(max_depth=1).scan_file(p)
    assert findings(limited) == []
    skipped = [s for s in statuses(limited) if s.status == "skipped"]
    assert skipped and all(s.reason for s in skipped)
    assert "nested deeper" in skipped[0].reason


def test_blob_and_fd(engine, tmp_path):
    data = zip_bytes({"x/list.csv": CSV})
    (f,) = findings(engine.scan_blob(data, name="mem.zip"))
    assert f.path == "mem.zip!x/list.csv"
    with pytest.raises(TypeError):
        engine.scan_blob("str")
    p = tmp_path / "fd.zip"
    p.write_bytes(data)
    with open(p, "rb") as fh:
        (g,) = findings(engine.scan_file(fh.fileno(), name="named.zip"))
    assert g.path == "named.zip!x/list.csv"


def test_missing_file_raises(engine, tmp_path):
    missing = tmp_path / "nope.txt"
    with pytest.raises(piiscan.FileError) as exc:
        engine.scan_file(missing)
    e = exc.value
    assert (e.status, e.errno, e.filename) == (-6, 2, str(missing))
    assert isinstance(e, OSError) and str(missing) in str(e)
    with pytest.raises(piiscan.FileError):
        piiscan.extract_text(missing)


@pytest.mark.skipif(shutil.which("zip") is None, reason="needs the zip tool")
def test_encrypted_zip_is_reported(engine, tmp_path):
    (tmp_path / "secret.csv").write_text(CSV)
    (tmp_path / "open.csv").write_text(CSV)
    subprocess.run(["zip", "-q", "-P", "pw", "enc.zip", "secret.csv"], cwd=tmp_path, check=True)
    subprocess.run(["zip", "-q", "mixed.zip", "open.csv"], cwd=tmp_path, check=True)
    subprocess.run(["zip", "-q", "-P", "pw", "mixed.zip", "secret.csv"], cwd=tmp_path,
                   check=True)
    res = engine.scan_file(tmp_path / "mixed.zip")
    assert [f.path for f in findings(res)] == [f"{tmp_path / 'mixed.zip'}!open.csv"]
    top = statuses(res)[-1]
    assert top.status == "encrypted" and top.reason
    assert any(s.status == "encrypted" and s.path.endswith("!secret.csv") for s in statuses(res))


def test_corrupt_zip_is_an_error_status(engine, tmp_path):
    data = zip_bytes({"list.csv": CSV * 200})
    p = tmp_path / "cut.zip"
    p.write_bytes(data[: len(data) // 2])
    res = engine.scan_file(p)                  # handled: no exception
    assert any(s.status == "error" for s in statuses(res))


def test_extract_text(tmp_path):
    p = tmp_path / "t.zip"
    p.write_bytes(zip_bytes({"a.txt": "첫째 줄\n", "b/c.csv": CSV}))
    texts = piiscan.extract_text(p)
    assert texts == {f"{p}!a.txt": "첫째 줄\n", f"{p}!b/c.csv": CSV}
    raw, st = piiscan.extract_text(p, as_bytes=True, with_status=True)
    assert raw[f"{p}!b/c.csv"] == CSV.encode()
    assert [s.path for s in st][-1] == str(p)
    with pytest.raises(TypeError):
        piiscan.extract_text(p, min_confidence="high")     # limits only


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "share"
    (root / "hr").mkdir(parents=True)
    (root / "logs").mkdir()
    (root / "hr" / "list.csv").write_text(CSV)
    (root / "hr" / "old.zip").write_bytes(zip_bytes({"2019/list.csv": CSV}))
    (root / "logs" / "app.log").write_text(f"user rrn {make_rrn('850505', '2', '11111')}\n")
    (root / "big.txt").write_text("x" * 5000 + f" {RRN}\n")
    (root / "notes.txt").write_text("no personal data\n")
    os.symlink("hr/list.csv", root / "link.csv")
    os.mkfifo(root / "pipe")
    return root


def test_scan_path(engine, tree):
    res = list(engine.scan_path(tree))
    got = sorted(f.path for f in findings(res))
    assert got == sorted([f"{tree}/big.txt", f"{tree}/hr/list.csv",
                          f"{tree}/hr/old.zip!2019/list.csv", f"{tree}/logs/app.log"])
    st = {s.path: s for s in statuses(res)}
    assert st[f"{tree}/link.csv"].status == "skipped"
    assert "symbolic link" in st[f"{tree}/link.csv"].reason
    assert st[f"{tree}/pipe"].status == "skipped"
    assert st[f"{tree}/notes.txt"].ok and st[f"{tree}/notes.txt"].mtime > 0
    assert st[f"{tree}/hr/old.zip!2019/list.csv"].mtime is None   # members: no mtime
    assert st[f"{tree}/hr/old.zip"].depth == 0
    # sorted, deterministic order; a file's findings come before its status
    tops = [s.path for s in statuses(res) if s.depth == 0]
    assert tops == sorted(tops)


def test_scan_path_options(engine, tree):
    def paths(**kw):
        return sorted({r.path.split("!")[0] for r in engine.scan_path(tree, **kw)
                       if isinstance(r, piiscan.Finding)})

    assert paths(include="*.csv") == [f"{tree}/hr/list.csv"]
    assert paths(exclude=["logs/", "*.zip"]) == [f"{tree}/big.txt", f"{tree}/hr/list.csv"]
    res = list(engine.scan_path(tree, max_file_size=1000))
    big = [s for s in statuses(res) if s.path == f"{tree}/big.txt"]
    assert big[0].status == "skipped" and big[0].reason
    followed = list(engine.scan_path(tree, follow_symlinks=True))
    assert f"{tree}/link.csv" in {f.path for f in findings(followed)}
    (tree / ".piiscanignore").write_text("logs/\n")
    assert f"{tree}/logs/app.log" not in paths()
    assert f"{tree}/logs/app.log" in paths(ignore_files=False)


def test_scan_path_workers_same_order(engine, tree):
    for i in range(30):
        (tree / f"f{i:02d}.txt").write_text(f"{i} {make_rrn('750101', '1', f'{i:05d}')}\n" * i)
    one = list(engine.scan_path(tree))
    four = list(engine.scan_path(tree, workers=4))
    assert [repr(r) for r in four] == [repr(r) for r in one]
    with pytest.raises(piiscan.InvalidArgumentError):
        engine.scan_path(tree, workers=0)


def test_scan_path_can_stop_early(engine, tmp_path):
    for i in range(2000):
        (tmp_path / f"{i:04d}.txt").write_text(f"{RRN}\n")
    gen = engine.scan_path(tmp_path)
    first = next(gen)
    assert isinstance(first, piiscan.Finding)
    gen.close()                                # the walker thread is stopped and joined
    gen = engine.scan_path(tmp_path, workers=3)
    assert sum(1 for _ in zip(range(10), gen)) == 10
    del gen


def test_scan_path_missing_root(engine, tmp_path):
    with pytest.raises(piiscan.FileError) as exc:
        engine.scan_path(tmp_path / "missing")      # raised at once, not on iteration
    assert exc.value.errno == 2


def test_scan_path_single_file_and_module_level(tree):
    res = list(piiscan.scan_path(tree / "hr" / "list.csv", types="kr_rrn"))
    assert [type(r).__name__ for r in res] == ["Finding", "FileStatus"]
    assert findings(piiscan.scan_file(tree / "hr" / "old.zip", min_confidence="high"))


def test_file_status_repr_and_dict(engine, tree):
    res = list(engine.scan_path(tree))
    s = [s for s in statuses(res) if s.path.endswith("link.csv")][0]
    assert repr(s) == (f"FileStatus(path='{tree}/link.csv', status='skipped', "
                       f"reason='symbolic link (not followed)', format=None, depth=0, size=0, "
                       f"findings=0)") or s.size
    assert str(s) == f"{tree}/link.csv: skipped (symbolic link (not followed))"
    d = s.as_dict()
    assert d["kind"] == "file" and d["status"] == "skipped" and d["mtime"] == s.mtime


def test_extract_text_large_and_empty(tmp_path):
    big = "".join(f"줄 {i} {RRN}\n" for i in range(20000))      # > 64 KiB: many pieces
    p = tmp_path / "big.txt"
    p.write_text(big)
    assert piiscan.extract_text(p) == {str(p): big}
    z = tmp_path / "big.zip"
    z.write_bytes(zip_bytes({"a.txt": big, "b.txt": "끝\n"}))
    assert piiscan.extract_text(z) == {f"{z}!a.txt": big, f"{z}!b.txt": "끝\n"}
    e = tmp_path / "empty.txt"
    e.write_bytes(b"")
    texts, st = piiscan.extract_text(e, with_status=True)
    assert texts in ({}, {str(e): ""}) and st[-1].ok
