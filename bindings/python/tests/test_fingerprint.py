"""Keyed fingerprints: Finding.fingerprint (fingerprint_key=) and piiscan.fingerprint().

Expected values are computed here with Python's own hmac module on the
normalised value (docs/reports.md, "Fingerprints"), never with the library.
"""
import hashlib
import hmac

import pytest

import piiscan

from conftest import make_rrn

KEY = b"test-key"
RRN = make_rrn()                      # 900101-1234568
CARD = "4111 1111 1111 1111"
TEXT = f"주민등록번호 {RRN} tel 010-2345-6789 card {CARD} mail John.Doe@Example.COM\n"


def normalise(type_: str, value: str) -> bytes:
    """The documented normalisation, written independently of the C code."""
    full = {chr(0xFF10 + d): str(d) for d in range(10)}
    value = "".join(full.get(c, c) for c in value)
    if type_ == "email":
        return "".join(c.lower() if "A" <= c <= "Z" else c for c in value).encode()
    return "".join(c.upper() for c in value if c.isascii() and c.isalnum()).encode()


def expected(key: bytes, type_: str, value: str) -> str:
    return hmac.new(key, type_.encode() + b":" + normalise(type_, value), hashlib.sha256).hexdigest()


def test_scan_fills_fingerprints_and_drops_raw(engine):
    found = engine.scan(TEXT, fingerprint_key=KEY)
    assert {f.type for f in found} >= {"kr_rrn", "kr_phone", "card", "email"}
    raws = {f.type: f.raw for f in piiscan.Engine(expose_raw=True).scan(TEXT)}
    for f in found:
        assert f.raw is None                 # not asked for
        assert f.fingerprint == expected(KEY, f.type, raws[f.type]), f.type
    by_type = {f.type: f.fingerprint for f in found}
    # the independent values, spelled out
    assert by_type["kr_rrn"] == hmac.new(KEY, b"kr_rrn:9001011234568", "sha256").hexdigest()
    assert by_type["kr_phone"] == hmac.new(KEY, b"kr_phone:01023456789", "sha256").hexdigest()
    assert by_type["card"] == hmac.new(KEY, b"card:4111111111111111", "sha256").hexdigest()
    assert by_type["email"] == hmac.new(KEY, b"email:john.doe@example.com", "sha256").hexdigest()


def test_no_key_no_fingerprint(engine):
    (f,) = engine.scan(f"RRN {RRN}")
    assert f.fingerprint is None and "fingerprint" not in f.as_dict()


def test_str_key_is_its_utf8_and_bytes_like_keys_work(engine):
    want = hmac.new("키-key".encode(), b"kr_rrn:9001011234568", "sha256").hexdigest()
    for key in ("키-key", "키-key".encode(), bytearray("키-key".encode()),
                memoryview("키-key".encode())):
        (f,) = engine.scan(f"RRN {RRN}", fingerprint_key=key)
        assert f.fingerprint == want, type(key)


def test_raw_kept_when_engine_exposes_it(raw_engine):
    (f,) = raw_engine.scan(f"RRN {RRN}", fingerprint_key=KEY)
    assert f.raw == RRN and f.fingerprint == expected(KEY, "kr_rrn", RRN)
    d = f.as_dict()
    assert d["fingerprint"] == f.fingerprint and "raw" not in d


def test_written_differently_same_fingerprint(engine):
    fps = set()
    for text in (f"주민등록번호 {RRN}", f"주민등록번호 {RRN.replace('-', '')}",
                 "주민등록번호 " + "".join(chr(0xFF10 + int(c)) if c.isdigit() else "－"
                                        for c in RRN)):
        (f,) = engine.scan(text, fingerprint_key=KEY)
        fps.add(f.fingerprint)
    assert fps == {hmac.new(KEY, b"kr_rrn:9001011234568", "sha256").hexdigest()}


def test_other_key_other_fingerprint(engine):
    (a,) = engine.scan(f"RRN {RRN}", fingerprint_key=b"one")
    (b,) = engine.scan(f"RRN {RRN}", fingerprint_key=b"two")
    assert a.fingerprint != b.fingerprint
    assert a != b                         # the fingerprint is part of equality


def test_no_raw_value_in_any_repr(engine, raw_engine, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(TEXT)
    results = engine.scan(TEXT, fingerprint_key=KEY) + engine.scan_file(path, fingerprint_key=KEY)
    results += list(engine.scan_path(tmp_path, fingerprint_key=KEY, workers=2))
    assert all(r.raw is None for r in results if isinstance(r, piiscan.Finding))
    results += raw_engine.scan(TEXT, fingerprint_key=KEY)
    assert all(r.fingerprint for r in results if isinstance(r, piiscan.Finding))
    shown = repr(results) + str(results) + "".join(map(str, results))
    shown += "".join(repr(r.as_dict()) for r in results)
    for v in (RRN, RRN.replace("-", ""), "1234568", "4111 1111 1111 1111", "4111111111111111",
              "John.Doe", "2345-6789"):
        assert v not in shown, v


def test_scan_file_scan_blob_stream(engine, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT)
    want = {f.type: f.fingerprint for f in engine.scan(TEXT, fingerprint_key=KEY)}
    for results in (engine.scan_file(path, fingerprint_key=KEY),
                    engine.scan_blob(TEXT.encode(), "a.txt", fingerprint_key=KEY),
                    piiscan.scan_file(path, fingerprint_key=KEY)):
        got = {f.type: f.fingerprint for f in results if isinstance(f, piiscan.Finding)}
        assert got == want
        assert all(f.raw is None for f in results if isinstance(f, piiscan.Finding))
    with engine.stream(fingerprint_key=KEY) as s:
        data = TEXT.encode()
        found = s.feed(data[:30]) + s.feed(data[30:]) + s.finish()
    assert {f.type: f.fingerprint for f in found} == want
    assert {f.type: f.fingerprint for f in piiscan.scan(TEXT, fingerprint_key=KEY)} == want


def test_scan_path_with_workers(engine, tmp_path):
    values = []
    for i in range(12):
        rrn = make_rrn(middle=f"{i:05d}")
        values.append(rrn)
        (tmp_path / f"f{i:02d}.txt").write_text("x\n" * i + f"주민등록번호 {rrn}\n")
    one = list(engine.scan_path(tmp_path, fingerprint_key=KEY))
    four = list(engine.scan_path(tmp_path, fingerprint_key=KEY, workers=4))
    mod = list(piiscan.scan_path(tmp_path, fingerprint_key=KEY, workers=3))
    for results in (one, four, mod):
        fps = [f.fingerprint for f in results if isinstance(f, piiscan.Finding)]
        assert fps == [expected(KEY, "kr_rrn", v) for v in values]
        assert all(f.raw is None for f in results if isinstance(f, piiscan.Finding))


def test_bad_keys(engine, tmp_path):
    with pytest.raises(piiscan.InvalidArgumentError):
        engine.scan("x", fingerprint_key=b"")
    with pytest.raises(piiscan.InvalidArgumentError):
        engine.scan_file(__file__, fingerprint_key="")
    with pytest.raises(piiscan.InvalidArgumentError):
        engine.scan_path(tmp_path, fingerprint_key="")   # at once, not on iteration
    with pytest.raises(TypeError):
        engine.scan("x", fingerprint_key=123)
    with pytest.raises(TypeError):
        engine.stream(fingerprint_key=1.5)


def test_module_fingerprint_function():
    fp = piiscan.fingerprint
    want = hmac.new(b"k", b"kr_rrn:9001011234568", "sha256").hexdigest()
    assert fp(b"k", "kr_rrn", "900101-1234568") == want
    assert fp("k", "kr_rrn", b"9001011234568") == want
    assert fp(b"k", "kr_rrn", "９００１０１－１２３４５６８") == want
    assert fp(b"k", "kr_passport", "m12345678") == hmac.new(
        b"k", b"kr_passport:M12345678", "sha256").hexdigest()
    assert fp(b"k", "email", "John.Doe@Example.COM") == hmac.new(
        b"k", b"email:john.doe@example.com", "sha256").hexdigest()
    assert fp(b"k\x00ey", "kr_rrn", "9001011234568") == hmac.new(
        b"k\x00ey", b"kr_rrn:9001011234568", "sha256").hexdigest()
    for value in ("010-2345-6789", "ab c", "Ünïcode 12", "x@Y.kr"):
        for t in ("kr_phone", "email"):
            assert fp(b"k", t, value) == expected(b"k", t, value)
    with pytest.raises(piiscan.InvalidArgumentError):
        fp(b"", "kr_rrn", "1")
    with pytest.raises(TypeError):
        fp(None, "kr_rrn", "1")
    with pytest.raises(TypeError):
        fp(b"k", "kr_rrn", 1)
