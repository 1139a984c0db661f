"""Cross-check with python-stdnum on 100,000 generated numbers.

RRN (stdnum.kr.rrn) and Luhn (stdnum.luhn) verdicts must agree with piiscan
wherever the two rule sets agree; every difference must fall in one of the
documented classes (bindings/python/README.md, "Cross-check with
python-stdnum"), whose counts are pinned here: a change of the library's
policy shows up as a changed count, to be explained in the README.
"""
import collections
import datetime
import random

import pytest

import piiscan

stdnum_rrn = pytest.importorskip("stdnum.kr.rrn")
stdnum_luhn = pytest.importorskip("stdnum.luhn")

N = 100_000
CUTOFF = datetime.date(2020, 10, 5)   # numbers assigned from this day have no check digit
LAST_BIRTH = datetime.date(2025, 12, 31)   # fixed: the test must not read the clock
WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def century(g: str) -> int:
    return {"1": 1900, "2": 1900, "5": 1900, "6": 1900,
            "3": 2000, "4": 2000, "7": 2000, "8": 2000}.get(g, 1800)


def birth_date(n: str):
    try:
        return datetime.date(century(n[6]) + int(n[:2]), int(n[2:4]), int(n[4:6]))
    except ValueError:
        return None


def weighted(n: str) -> int:
    return sum(w * int(d) for w, d in zip(WEIGHTS, n))


def gen_rrns(rng: random.Random):
    """13-digit candidates: half with a real date and a correct check digit,
    the rest with random tails, post-2020 dates or impossible dates."""
    out = []
    for i in range(N):
        kind = i % 10
        g = rng.choice("0123456789")
        if kind < 8:
            if kind == 7:                          # born after the 2020 change
                g = rng.choice("3478")
                d = CUTOFF + datetime.timedelta(days=rng.randrange((LAST_BIRTH - CUTOFF).days))
            else:                                  # a birth date of that century
                start = datetime.date(century(g), 1, 1)
                end = min(datetime.date(century(g) + 99, 12, 31), LAST_BIRTH)
                d = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
            date = d.strftime("%y%m%d")
        else:                                      # month 00-19, day 00-39: often impossible
            date = f"{rng.randrange(100):02d}{rng.randrange(20):02d}{rng.randrange(40):02d}"
        body = date + g + "".join(rng.choice("0123456789") for _ in range(5))
        if kind < 5:                               # correct RRN check digit
            check = str((11 - weighted(body) % 11) % 10)
        else:
            check = rng.choice("0123456789")
        out.append(body + check)
    return out


def classify_rrn(n: str, std_valid: bool, found):
    """Returns (class, agrees) for one number; found is (type, validation) or None."""
    d = birth_date(n)
    region_ok = int(n[7:9]) <= 96
    rrn_check = (11 - weighted(n[:12]) % 11) % 10 == int(n[12])
    frn_check = (13 - weighted(n[:12]) % 11) % 10 == int(n[12])
    expected_type = "kr_frn" if n[6] in "5678" else "kr_rrn"
    if found is not None and found[0] != expected_type:
        return "wrong type", False
    if d is None:
        return ("impossible date: both reject", True) if not std_valid and found is None \
            else ("impossible date", False)
    if std_valid:
        if found == (expected_type, "checksum"):
            return "valid: both accept (checksum)", True
        if d >= CUTOFF and found == (expected_type, "structural"):
            return "DIFF post-2020 date: stdnum valid, piiscan structural", True
        return "valid by stdnum", False
    # stdnum rejects a number with a real date: region > 96 or a wrong check digit
    if found is None:
        return "rejected by stdnum, not reported", False
    if found[1] == "checksum":
        if expected_type == "kr_frn" and d < CUTOFF:
            # For an FRN, digits 8-9 are an immigration office code, not a
            # region: piiscan applies no "<= 96" rule to them.
            if rrn_check and not region_ok:
                return "DIFF FRN, digits 8-9 97-99: stdnum rejects (region rule), " \
                       "piiscan checksum", True
            if frn_check and not rrn_check:
                return "DIFF FRN check digit (13 - sum) mod 10: stdnum rejects, " \
                       "piiscan checksum", True
        return "rejected by stdnum, piiscan checksum", False
    if found[1] == "structural":
        if not region_ok and rrn_check:
            return "DIFF region 97-99 with a valid check digit: stdnum rejects, " \
                   "piiscan structural", True
        if d >= CUTOFF:
            return "DIFF post-2020 date, check digit fails: piiscan structural", True
        return "DIFF pre-2020 date, check digit fails: piiscan structural", True
    return "other", False


# Pinned counts (seed 20201005).  Update together with the README table.
EXPECTED_RRN = {
    "valid: both accept (checksum)": 47005,
    "impossible date: both reject": 10831,
    "DIFF post-2020 date: stdnum valid, piiscan structural": 5346,
    "DIFF post-2020 date, check digit fails: piiscan structural": 13090,
    "DIFF pre-2020 date, check digit fails: piiscan structural": 21264,
    "DIFF region 97-99 with a valid check digit: stdnum rejects, piiscan structural": 1018,
    "DIFF FRN check digit (13 - sum) mod 10: stdnum rejects, piiscan checksum": 899,
    "DIFF FRN, digits 8-9 97-99: stdnum rejects (region rule), piiscan checksum": 547,
}
EXPECTED_LUHN = {
    "luhn: both accept": 55055,
    "luhn: both reject": 44945,
    "card: in table, Luhn-valid: checksum": 52765,
    "card: in table, Luhn fails: not reported": 24800,
    "card: not in the issuer table, not reported": 20145,
    "card: not in the issuer table, not reported (Luhn-valid)": 2290,
}


def scan_lines(engine, lines):
    """Scans one line per number; returns {line_no: (type, validation)}."""
    text = "".join(lines)
    found = {}
    for f in engine.scan(text):
        assert f.line not in found, f"two findings on line {f.line}"
        found[f.line] = (f.type, f.validation)
    return found


def test_rrn_agrees_with_stdnum():
    rng = random.Random(20201005)
    numbers = gen_rrns(rng)
    engine = piiscan.Engine(types=["kr_rrn", "kr_frn"])
    # One number per line, hyphenated, after the keyword: the form of a customer list.
    found = scan_lines(engine, [f"주민등록번호 {n[:6]}-{n[6:]}\n" for n in numbers])
    counts = collections.Counter()
    bad = []
    for i, n in enumerate(numbers, 1):
        cls, ok = classify_rrn(n, stdnum_rrn.is_valid(n), found.get(i))
        counts[cls] += 1
        if not ok:
            bad.append((n, cls, found.get(i)))
    report = "\n".join(f"{v:7d}  {k}" for k, v in sorted(counts.items()))
    print("\nRRN cross-check (100,000 numbers):\n" + report)
    assert not bad, f"{len(bad)} unexplained differences, e.g. {bad[:5]}\n{report}"
    assert sum(counts.values()) == N
    if EXPECTED_RRN is not None:
        assert dict(counts) == EXPECTED_RRN, report


CARD_TABLE = [  # (prefix range low, high, prefix length, lengths) -- docs/detectors.md#card
    (4, 4, 1, (13, 16, 19)), (51, 55, 2, (16,)), (2221, 2720, 4, (16,)),
    (34, 34, 2, (15,)), (37, 37, 2, (15,)), (300, 305, 3, (14, 16)), (36, 36, 2, (14, 16)),
    (38, 39, 2, (14, 16)), (3528, 3589, 4, (16, 17, 18, 19)), (6011, 6011, 4, (16, 17, 18, 19)),
    (644, 649, 3, (16, 17, 18, 19)), (65, 65, 2, (16, 17, 18, 19)),
    (62, 62, 2, (16, 17, 18, 19)), (9, 9, 1, (16,)),
]


def in_card_table(n: str) -> bool:
    return any(lo <= int(n[:k]) <= hi and len(n) in lengths
               for lo, hi, k, lengths in CARD_TABLE)


def luhn_complete(body: str) -> str:
    return body + stdnum_luhn.calc_check_digit(body)


def gen_cards(rng: random.Random):
    out = []
    for i in range(N):
        if i % 4 < 3:
            lo, hi, k, lengths = rng.choice(CARD_TABLE)
            length = rng.choice(lengths)
            prefix = str(rng.randint(lo, hi))
        else:
            length = rng.randint(12, 19)
            prefix = rng.choice("123456789")
        body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
        out.append(luhn_complete(body) if i % 2 == 0 else body + rng.choice("0123456789"))
    return out


LUHN_PATTERN = """
[any_luhn]
name = Any Luhn-valid number
regex = {{LB}}{{DIGIT}}{12,19}{{RB}}
validator = luhn
trigger = digits 12
"""


def test_luhn_agrees_with_stdnum():
    rng = random.Random(5105105105105100)
    numbers = gen_cards(rng)
    lines = [f"no {n}\n" for n in numbers]
    # 1) the luhn validator alone (a custom type): the verdicts must be identical.
    luhn_engine = piiscan.Engine(defaults=False, pattern_text=LUHN_PATTERN)
    found = scan_lines(luhn_engine, lines)
    counts = collections.Counter()
    for i, n in enumerate(numbers, 1):
        std = stdnum_luhn.is_valid(n)
        ours = found.get(i) == ("any_luhn", "checksum")
        assert std == ours, (n, std, found.get(i))
        counts["luhn: both accept" if std else "luhn: both reject"] += 1
    # 2) the card detector: Luhn plus the issuer prefix/length table.
    cards = scan_lines(piiscan.Engine(types="card"), lines)
    bad = []
    for i, n in enumerate(numbers, 1):
        std = stdnum_luhn.is_valid(n)
        ours = cards.get(i)
        if not in_card_table(n):
            cls = "card: not in the issuer table, not reported" + (
                " (Luhn-valid)" if std else "")
            ok = ours is None
        elif std:
            cls, ok = "card: in table, Luhn-valid: checksum", ours == ("card", "checksum")
        else:
            cls, ok = "card: in table, Luhn fails: not reported", ours is None
        counts[cls] += 1
        if not ok:
            bad.append((n, cls, ours))
    report = "\n".join(f"{v:7d}  {k}" for k, v in sorted(counts.items()))
    print("\nLuhn cross-check (100,000 numbers):\n" + report)
    assert not bad, f"{len(bad)} unexplained differences, e.g. {bad[:5]}\n{report}"
    if EXPECTED_LUHN is not None:
        assert dict(counts) == EXPECTED_LUHN, report
