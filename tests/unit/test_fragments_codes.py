"""Format checks on codes: clear messages, never an exception, never a rewritten value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify_bench.fragments import check_cage, check_codes, check_manufactured, check_nsn, nsn_parts


def _codes(notices: list) -> list[str]:
    return [n.code for n in notices]


@pytest.mark.parametrize(("value", "codes"), [
    ("1ABC2", []), ("K0123", []), ("1abc2", ["cage_case"]), ("1ABC", ["cage_format"]),
    ("1AB-2", ["cage_format"]), ("1ABC23", ["cage_format"]), (" 1ABC2", ["spacing"]),
])
def test_cage_codes(value: str, codes: list[str]) -> None:
    assert _codes(check_cage(value)) == codes


@pytest.mark.parametrize(("value", "codes"), [
    ("1325-01-234-5678", []), ("1325012345678", ["nsn_grouping"]), ("1325 01 234 5678", ["nsn_grouping"]),
    ("1325-01-234-567", ["nsn_format"]), ("1325-01-C34-5678", ["nsn_letter"]), ("NSN?", ["nsn_format"]),
])
def test_nsns(value: str, codes: list[str]) -> None:
    assert _codes(check_nsn(value)) == codes


def test_messages_say_what_is_expected() -> None:
    (grouping,) = check_nsn("1325012345678")
    assert "1325-01-234-5678" in grouping.message
    (short,) = check_nsn("1325-01-234-567")
    assert "13 digits" in short.message and "12 digits" in short.message
    (cage,) = check_cage("12")
    assert "5 letters or digits" in cage.message and "2 characters" in cage.message


def test_nsn_parts() -> None:
    assert nsn_parts("1325-01-234-5678") == {"fsc": "1325", "niin": "012345678", "ncb": "01"}
    assert nsn_parts("1325-01-234") is None


@pytest.mark.parametrize(("value", "codes"), [
    ("1991", []), ("1991-03", []), ("1991-03-31", []), ("1991-02-30", ["date_invalid"]),
    ("MAR 1991", ["date_free_text"]), ("03/91", ["date_free_text"]),
])
def test_dates_of_manufacture(value: str, codes: list[str]) -> None:
    assert _codes(check_manufactured(value)) == codes


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_checks_never_raise_whatever_is_typed(cage: str, nsn: str, date: str) -> None:
    for notice in check_codes({"cage": cage, "nsn": nsn, "manufactured": date}):
        assert notice.message
