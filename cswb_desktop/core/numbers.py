"""Reading numbers as people type them, without ever dropping a comma or a point silently.

A number may be written with a decimal point or a decimal comma and with its thousands grouped by
commas, points, spaces (plain, no-break or narrow no-break) or apostrophes. Most texts can only be
read one way ("12,5" has no thousands in it, "1 250,75" groups by spaces and so ends in decimals).
Where the interface's own conventions settle it (a decimal comma in French), they are followed; a text
that could still mean two numbers ("1,250" in an English interface: 1250 or 1.25) is refused with a
sentence that shows both readings, so that the person writes the one they mean.

The interface's decimal mark and group separator are arguments: nothing here knows about Qt.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SPACES = " \u00a0\u202f\u2009\u2007"  # space, no-break, narrow no-break, thin, figure space
APOSTROPHES = "'\u2019"
MINUS_SIGNS = "-\u2212"
CURRENCY = "$€£"

_PLAIN = re.compile(r"^[0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?$")


def _readable(value: Decimal, decimal: str) -> str:
    """A reading shown back to the person: no grouping, their decimal mark, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal) if decimal != "." else text


def format_number(value: float | int | None, decimal: str = ".") -> str:
    """A stored number as a field shows it: no grouping, the interface's decimal mark, so that the
    text reads back as the same number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = str(value)
    if "e" in text or "E" in text:  # 1e-07 → 0.0000001: a field holds digits, not exponents
        text = _readable(Decimal(text), ".")
    return text.replace(".", decimal) if decimal != "." else text


def _groups_ok(head: str, groups: list[str]) -> bool:
    """Digits grouped by thousands: a first group of one to three digits, then groups of three."""
    return bool(head) and len(head) <= 3 and head.isdigit() and all(len(g) == 3 and g.isdigit() for g in groups)


def parse_number(text: str, *, decimal: str = ".", group: str = ",",
                 whole: bool = False) -> tuple[float | int | None, str]:
    """(value, problem): the number a text holds, or None and the sentence saying why not.

    `decimal` and `group` are the interface's decimal mark and group separator (from its locale).
    An empty text is no number and no problem."""
    original = text.strip()
    cleaned = original
    for sign in CURRENCY:
        cleaned = cleaned.replace(sign, "")
    cleaned = cleaned.strip(SPACES)
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip(SPACES)
    if not cleaned:
        return None, ""
    not_a_number = (f"“{original}” is not a number: use digits, like 1250 or 12{decimal}5.")
    negative = False
    if cleaned[0] in MINUS_SIGNS + "+":
        negative = cleaned[0] != "+"
        cleaned = cleaned[1:].lstrip(SPACES)
    group_chars = SPACES + APOSTROPHES + (group if group and group not in ".," else "")
    # Spaces and apostrophes only ever group; commas and points may do either.
    spacers = {ch for ch in cleaned if ch in group_chars}
    if len(spacers) > 1 and not spacers <= set(SPACES):
        return None, not_a_number
    marks = [ch for ch in cleaned if ch in ".,"]

    number: str | None = None
    if not marks and not spacers:
        if not _PLAIN.match(cleaned) or not any(ch.isdigit() for ch in cleaned):
            return None, not_a_number
        number = cleaned
    else:
        kinds = set(marks)
        if spacers:
            # Grouped by spaces: a point or a comma after the last group can only be decimals.
            if len(marks) > 1:
                return None, not_a_number
            body = cleaned
            decimals = ""
            if marks:
                body, decimals = re.split(r"[.,]", cleaned)
                if not decimals.isdigit():
                    return None, not_a_number
            parts = re.split("[" + re.escape(group_chars) + "]", body)
            if not _groups_ok(parts[0], parts[1:]):
                return None, not_a_number
            number = "".join(parts) + ("." + decimals if decimals else "")
        elif len(kinds) == 2:
            # Both: the last one is the decimal mark, the other groups.
            last = marks[-1]
            other = "," if last == "." else "."
            if marks.count(last) != 1:
                return None, not_a_number
            body, decimals = cleaned.rsplit(last, 1)
            parts = body.split(other)
            if not decimals.isdigit() or not _groups_ok(parts[0], parts[1:]):
                return None, not_a_number
            number = "".join(parts) + "." + decimals
        else:
            mark = marks[0]
            parts = cleaned.split(mark)
            if len(parts) > 2:  # "1,250,000": only thousands can repeat
                if not _groups_ok(parts[0], parts[1:]):
                    return None, not_a_number
                number = "".join(parts)
            else:
                head, tail = parts
                if (tail and not tail.isdigit()) or (head and not head.isdigit()) or not (head or tail):
                    return None, not_a_number
                as_decimal = (head or "0") + "." + (tail or "0")
                could_group = _groups_ok(head, [tail]) and not head.startswith("0")
                if mark == decimal or not could_group:
                    number = as_decimal
                else:
                    grouped = Decimal(head + tail)
                    fraction = Decimal(as_decimal)
                    if negative:
                        grouped, fraction = -grouped, -fraction
                    a, b = _readable(grouped, decimal), _readable(fraction, decimal)
                    return None, f"“{original}” could mean {a} or {b}: write {a} or {b}."
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None, not_a_number
    if not value.is_finite():
        return None, not_a_number
    if negative:
        value = -value
    if whole:
        if abs(value) > 2 ** 63 - 1:
            return None, f"“{original}” is too large a number for this field."
        if value != value.to_integral_value():
            return None, f"“{original}” must be a whole number."
        return int(value), ""
    result = float(value)
    if result in (float("inf"), float("-inf")):
        return None, not_a_number
    return result, ""
