"""Helpers shared by the tests of the piiscan Python binding."""
import os
import pathlib

import pytest

import piiscan

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def rrn_check_digit(first12: str) -> str:
    """RRN check digit: (11 - sum mod 11) mod 10 (docs/detectors.md#kr_rrn)."""
    return str((11 - sum(w * int(d) for w, d in zip(WEIGHTS, first12)) % 11) % 10)


def make_rrn(date: str = "900101", gender: str = "1", middle: str = "23456") -> str:
    first12 = date + gender + middle
    return f"{date}-{gender}{middle}{rrn_check_digit(first12)}"


def luhn_complete(digits: str) -> str:
    """Appends the Luhn check digit."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return digits + str((10 - total % 10) % 10)


def repo_root() -> pathlib.Path:
    env = os.environ.get("PIISCAN_REPO")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def engine() -> piiscan.Engine:
    return piiscan.Engine()


@pytest.fixture(scope="session")
def raw_engine() -> piiscan.Engine:
    return piiscan.Engine(expose_raw=True)
