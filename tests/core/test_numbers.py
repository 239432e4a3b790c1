"""Numbers as people type them: a comma or a point is never dropped silently."""

from __future__ import annotations

import pytest

from cswb_desktop.core.numbers import format_number, parse_number

ENGLISH = {"decimal": ".", "group": ","}
FRENCH = {"decimal": ",", "group": "\u202f"}  # fr-CA: decimal comma, narrow no-break space


@pytest.mark.parametrize("text, value", [
    ("12.5", 12.5),
    ("12,5", 12.5),  # no thousands fit in it: a decimal comma
    ("1 250,75", 1250.75),  # the bug: this became 125075.0
    ("1\u00a0250,75", 1250.75),
    ("1\u202f250,75", 1250.75),
    ("1,250.75", 1250.75),
    ("1.250,75", 1250.75),
    ("1,250,000", 1250000),
    ("1 250", 1250),
    ("0,250", 0.25),  # a leading zero never starts a group of thousands
    ("1234,567", 1234.567),
    ("1.250", 1.25),  # the English decimal point
    ("$1,250.50", 1250.5),
    ("-3.5", -3.5),
    ("\u22123,5", -3.5),
    ("1e3", 1000),
    ("5.", 5),
])
def test_english_interface_reads(text, value):
    assert parse_number(text, **ENGLISH) == (value, "")


@pytest.mark.parametrize("text, value", [
    ("12,5", 12.5),
    ("1,250", 1.25),  # the French decimal comma
    ("1 250,75", 1250.75),
    ("1\u202f250,75", 1250.75),
    ("1\u00a0250", 1250),
    ("12.5", 12.5),  # only one reading
    ("1,250.75", 1250.75),
    ("1.250.000", 1250000),
    ("1 250,75 $", 1250.75),
])
def test_french_interface_reads(text, value):
    assert parse_number(text, **FRENCH) == (value, "")


def test_an_ambiguous_comma_is_refused_with_both_readings():
    value, problem = parse_number("1,250", **ENGLISH)
    assert value is None
    assert problem == "“1,250” could mean 1250 or 1.25: write 1250 or 1.25."
    assert problem.count(".") - problem.count("1.25") == 1  # one sentence


def test_an_ambiguous_point_is_refused_in_french_with_french_readings():
    value, problem = parse_number("1.250", **FRENCH)
    assert value is None
    assert problem == "“1.250” could mean 1250 or 1,25: write 1250 or 1,25."


@pytest.mark.parametrize("text", ["abc", "12 5", "1,2,3", "1.2.3", "1,25,0", "nan", "inf", "1,250.75.1",
                                  "12,5,000", "--3", "1 2345"])
def test_what_is_not_a_number_is_said_so(text):
    for conventions in (ENGLISH, FRENCH):
        value, problem = parse_number(text, **conventions)
        assert value is None
        assert problem.startswith(f"“{text}” is not a number") and problem.endswith(".")


def test_the_example_in_the_sentence_uses_the_interface_decimal_mark():
    assert parse_number("x", **FRENCH)[1].endswith("like 1250 or 12,5.")
    assert parse_number("x", **ENGLISH)[1].endswith("like 1250 or 12.5.")


def test_whole_numbers():
    assert parse_number("1,250,000", whole=True, **ENGLISH) == (1250000, "")
    assert parse_number("1 250", whole=True, **FRENCH) == (1250, "")
    assert isinstance(parse_number("12", whole=True, **ENGLISH)[0], int)
    value, problem = parse_number("12,5", whole=True, **ENGLISH)
    assert value is None and problem == "“12,5” must be a whole number."
    value, problem = parse_number("9" * 30, whole=True, **ENGLISH)
    assert value is None and "too large" in problem


def test_empty_is_no_number_and_no_problem():
    assert parse_number("  ", **ENGLISH) == (None, "")


@pytest.mark.parametrize("value", [12.5, 1250.75, 1.125, 0.125, -3.5, 1250, 1e-7, 123456789.25])
def test_a_shown_number_reads_back_as_itself(value):
    for conventions in (ENGLISH, FRENCH):
        text = format_number(value, conventions["decimal"])
        assert parse_number(text, **conventions) == (value, ""), text


def test_format_number_uses_the_decimal_mark():
    assert format_number(12.5, ",") == "12,5"
    assert format_number(12.0, ",") == "12"
    assert format_number(None) == ""
