"""Engine, scan(), options, errors, streams, repr: the in-memory API."""
import gc
import pickle
import threading

import pytest

import piiscan
from conftest import make_rrn

RRN = "900101-1234568"          # checksum-valid (the README's example)
TEXT = f"주민등록번호: {RRN}\n카드 4111-1111-1111-1111\n메일 hong@example.com\n"


def test_scan_str_offsets_are_str_indices(engine):
    found = engine.scan(TEXT)
    assert [f.type for f in found] == ["kr_rrn", "card", "email"]
    for f in found:
        assert isinstance(f, piiscan.Finding)
        value = TEXT[f.offset:f.offset + f.length]
        assert value in (RRN, "4111-1111-1111-1111", "hong@example.com")
    rrn = found[0]
    assert (rrn.line, rrn.offset, rrn.length) == (1, 8, 14)
    assert rrn.text == "900101-1******" and rrn.display == rrn.text
    assert (rrn.validation, rrn.confidence, rrn.masked) == ("checksum", "high", False)
    assert rrn.type_name == "Resident registration number"
    assert rrn.path is None and rrn.raw is None
    assert found[1].line == 2 and found[2].line == 3


def test_scan_bytes_offsets_are_bytes(engine):
    data = TEXT.encode()
    found = engine.scan(data)
    assert [data[f.offset:f.offset + f.length] for f in found] == [
        RRN.encode(), b"4111-1111-1111-1111", b"hong@example.com"]
    # every bytes-like object
    assert engine.scan(bytearray(data)) == found
    assert engine.scan(memoryview(data)) == found


def test_scan_encodings(engine):
    cp = "주민등록번호 900101-1234568".encode("cp949")
    (f,) = engine.scan(cp)                        # auto: falls back to CP949
    assert (f.offset, f.length, f.type) == (13, 14, "kr_rrn")
    u16 = "주민등록번호: 900101-1234568".encode("utf-16-le")
    (f,) = piiscan.Engine(encoding="utf-16-le").scan(u16)
    assert (f.offset, f.length) == (16, 28)
    (f,) = piiscan.Engine(encoding="euc-kr").scan(cp)
    assert f.offset == 13


def test_scan_rejects_other_types(engine):
    with pytest.raises(TypeError):
        engine.scan(12345)
    with pytest.raises(TypeError):
        engine.scan(None)
    assert engine.scan(b"") == [] and engine.scan("") == []


def test_contains(engine):
    assert engine.contains(TEXT) is True
    assert engine.contains("nothing here 12345") is False


def test_types_selection():
    e = piiscan.Engine(types=["kr_rrn", "card"])
    assert e.types == ("kr_rrn", "card")
    assert [f.type for f in e.scan(TEXT)] == ["kr_rrn", "card"]
    assert piiscan.Engine(types="email").types == ("email",)
    assert piiscan.Engine(types="kr_brn").types == ("kr_brn",)      # off by default, selectable
    assert "kr_brn" not in piiscan.Engine().types
    assert e.type_names["card"] == "Payment card number"


def test_default_types():
    types = piiscan.default_types()
    assert types[0] == ("kr_rrn", "Resident registration number", True)
    assert {t.id for t in types} >= {"kr_rrn", "kr_frn", "card", "kr_phone", "kr_account",
                                     "email", "kr_passport", "kr_driver_license", "kr_brn"}
    assert [t.id for t in types if not t.enabled] == ["kr_brn"]


def test_options_change_results():
    post2020 = "주민등록번호 201015-3123456"     # a date after 2020-10-05, check digit fails
    assert [(f.validation, f.confidence) for f in piiscan.scan(post2020)] == [
        ("structural", "medium")]
    assert piiscan.scan(post2020, rrn_policy="checksum_only") == []
    assert piiscan.scan(post2020, min_confidence="high") == []
    masked = "주민번호 900101-1******"
    (f,) = piiscan.scan(masked)
    assert (f.masked, f.text, f.validation) == (True, "900101-1******", "structural")
    assert piiscan.scan(masked, report_masked=False) == []
    assert piiscan.Engine(rrn_policy="structural", min_confidence=2).options == {
        "rrn_policy": "structural", "min_confidence": 2}


@pytest.mark.parametrize("kwargs", [
    {"min_confidence": "very"}, {"min_confidence": 7}, {"rrn_policy": "sometimes"},
    {"encoding": "latin-1"}, {"encoding": "klingon"}, {"expose_raw": "yes"},
    {"report_masked": 2}, {"max_depth": 65}, {"max_depth": -1}, {"max_ratio": "250"},
    {"max_members": 1.5}, {"max_buffer": True},
])
def test_bad_option_values_raise(kwargs):
    with pytest.raises(piiscan.InvalidArgumentError) as exc:
        piiscan.Engine(**kwargs)
    assert exc.value.status == -1
    assert isinstance(exc.value, ValueError) and isinstance(exc.value, piiscan.Error)
    assert list(kwargs)[0] in str(exc.value)


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError, match="max_deep"):
        piiscan.Engine(max_deep=3)


def test_unknown_type():
    with pytest.raises(piiscan.UnknownTypeError) as exc:
        piiscan.Engine(types=["kr_rrn", "nope"])
    assert exc.value.status == -7 and "nope" in exc.value.message
    with pytest.raises(piiscan.InvalidArgumentError):
        piiscan.Engine(types=[])


def test_pattern_errors(tmp_path):
    with pytest.raises(piiscan.PatternError) as exc:
        piiscan.Engine(pattern_text="[acme_id]\nname = ACME\nregex = (EMP\n")
    e = exc.value
    assert (e.status, e.source, e.line, e.type) == (-3, "<pattern_text>", 3, "acme_id")
    assert "missing closing parenthesis" in str(e)
    bad = tmp_path / "bad.pat"
    bad.write_text("[kr_rrn]\nfrobnicate = yes\n")
    with pytest.raises(piiscan.PatternError) as exc:
        piiscan.Engine(patterns=bad)
    assert exc.value.source == str(bad) and exc.value.line == 2
    with pytest.raises(piiscan.FileError) as exc:
        piiscan.Engine(patterns=tmp_path / "missing.pat")
    assert exc.value.status == -6 and exc.value.errno == 2
    assert isinstance(exc.value, OSError)
    # no type enabled at all
    with pytest.raises(piiscan.PatternError):
        piiscan.Engine(defaults=False)


def test_custom_patterns(tmp_path):
    pat = tmp_path / "acme.pat"
    pat.write_text("[acme_employee_id]\nname = ACME employee ID\n"
                   "regex = {{LB}}EMP{{DASH}}{{DIGIT}}{6}{{RB}}\ntrigger = digits 6\n"
                   "[kr_phone]\nenabled = no\n")
    e = piiscan.Engine(patterns=[pat])
    assert "acme_employee_id" in e.types and "kr_phone" not in e.types
    (f,) = e.scan("사번 EMP-123456, 전화 010-2345-6789")
    assert (f.type, f.type_name, f.validation) == ("acme_employee_id", "ACME employee ID",
                                                   "structural")
    only = piiscan.Engine(defaults=False, pattern_text=pat.read_text().split("[kr_phone]")[0])
    assert only.types == ("acme_employee_id",)


def test_raw_only_on_request(raw_engine, engine):
    (f,) = raw_engine.scan(f"RRN {RRN}")
    assert f.raw == RRN and raw_engine.expose_raw
    (g,) = engine.scan(f"RRN {RRN}")
    assert g.raw is None and not engine.expose_raw
    assert len({g, engine.scan(f"RRN {RRN}")[0]}) == 1
    assert "raw" not in g.as_dict() and f.as_dict(include_raw=True)["raw"] == RRN
    assert f.as_dict()["text"] == "900101-1******"


def test_no_raw_value_in_any_repr_or_str(raw_engine, tmp_path):
    card = "4111111111111111"
    text = f"주민등록번호 {RRN} card {card} tel 010-2345-6789 acct 국민은행 123456-78-901234"
    results = raw_engine.scan(text)
    path = tmp_path / "x.txt"
    path.write_text(text)
    results += raw_engine.scan_file(path)
    assert len([r for r in results if isinstance(r, piiscan.Finding)]) >= 6
    secrets = [r.raw for r in results if isinstance(r, piiscan.Finding)]
    assert RRN in secrets and card in secrets
    shown = repr(results) + str(results) + "".join(map(str, results))
    shown += "".join(repr(r.as_dict()) for r in results)
    for s in secrets:
        digits = "".join(c for c in s if c.isdigit())
        assert s not in shown and digits not in shown
    assert "1234568" not in shown


def test_repr_and_str(engine):
    (f,) = engine.scan(f"RRN {RRN}")
    assert repr(f) == ("Finding(type='kr_rrn', path=None, line=1, offset=4, length=14, "
                       "masked=False, validation='checksum', confidence='high', "
                       "text='900101-1******')")
    assert str(f) == "line 1: kr_rrn 900101-1****** (checksum, high)"
    assert repr(engine).startswith("piiscan.Engine(types=['kr_rrn'")


def test_findings_are_immutable(engine):
    (f,) = engine.scan(f"RRN {RRN}")
    with pytest.raises(AttributeError):
        f.text = "x"
    with pytest.raises(TypeError):
        piiscan.Finding()


def test_engine_pickles():
    e = piiscan.Engine(types="kr_rrn", min_confidence="high")
    e2 = pickle.loads(pickle.dumps(e))
    assert e2.types == ("kr_rrn",) and e2.options == {"min_confidence": "high"}
    assert e2.scan(TEXT) == e.scan(TEXT)


def test_module_level_scan_caches_engines():
    a = piiscan.scan(TEXT, types=["kr_rrn"])
    assert [f.type for f in a] == ["kr_rrn"]
    assert piiscan._engine(["kr_rrn"], {}) is piiscan._engine("kr_rrn", {})
    assert piiscan.scan(TEXT.encode(), expose_raw=True)[0].raw == RRN


def test_stream_equals_scan_at_every_split(engine):
    data = (f"앞 {RRN} 중간 4111 1111 1111 1111 끝 hong@example.com\n" * 3).encode()
    whole = engine.scan(data)
    assert len(whole) == 9
    with engine.stream() as s:
        for cut in range(0, len(data), 7):
            got = s.feed(data[:cut]) + s.feed(data[cut:]) + s.finish()
            assert got == whole, cut
            s.reset()
    with pytest.raises(ValueError):
        s.feed(b"closed")


def test_stream_misuse(engine):
    s = engine.stream()
    with pytest.raises(TypeError):
        s.feed("str is not bytes")
    s.feed(b"RRN 900101-")
    assert [f.text for f in s.feed(b"1234568 ") + s.finish()] == ["900101-1******"]
    assert s.finish() == []
    with pytest.raises(ValueError):
        s.feed(b"after finish")
    s.close()


def test_error_hierarchy():
    assert issubclass(piiscan.FileError, OSError)
    assert issubclass(piiscan.NoMemoryError, MemoryError)
    for cls in (piiscan.InvalidArgumentError, piiscan.PatternError, piiscan.UnknownTypeError,
                piiscan.FileError, piiscan.LimitError, piiscan.ScratchInUseError,
                piiscan.MismatchError, piiscan.InternalError, piiscan.NoMemoryError):
        assert issubclass(cls, piiscan.Error)
        assert cls.__module__ == "piiscan"


def test_engine_shared_by_threads_gives_same_results(engine):
    texts = [f"line {i} {make_rrn(f'9{i % 10}0101', '1', f'{i:05d}')}\n" * 50 for i in range(16)]
    expected = [engine.scan(t) for t in texts]
    got = [None] * len(texts)

    def work(i):
        for _ in range(5):
            got[i] = engine.scan(texts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected
    assert all(len(r) == 50 for r in got)


def test_engine_outlives_nothing_it_needs():
    # A stream keeps its engine alive; freeing in any order is safe.
    s = piiscan.Engine(types="kr_rrn").stream()
    gc.collect()
    assert [f.type for f in s.feed(f"RRN {RRN}\n".encode()) + s.finish()] == ["kr_rrn"]
    del s
    gc.collect()


def test_version():
    assert piiscan.__version__ == "0.1.0"
    assert piiscan.library_version.count(".") == 2
