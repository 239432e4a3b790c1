"""The one gate every string passes on its way into a Word document.

A plan file may come from anywhere (a USB stick, an e-mail, a hand-edited database), so its text
may hold characters that XML 1.0 forbids; python-docx would fail on them half-way through a
document. Here:

* XML-forbidden control characters disappear; a lone surrogate (possible from a damaged file)
  and the two non-characters U+FFFE/U+FFFF become U+FFFD, the replacement character.
* Line ends (CRLF, CR, vertical tab, form feed, the Unicode line and paragraph separators) become
  a plain newline; the writer turns newlines into paragraphs or line breaks. Tabs stay.
* Everything else — syllabics (ᐊᓂᔑᓈᐯᒧᐎᓐ), accents, right-to-left scripts, emoji, joiners —
  passes untouched.
* Text longer than MAX_CHARS is shortened at a word boundary, with a note saying how much was left
  out, so one runaway field cannot turn the document into thousands of pages.
"""

from __future__ import annotations

import re

MAX_CHARS = 20_000

_LINE_ENDS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Forbidden in XML 1.0: C0 controls except tab and newline, lone surrogates, U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_REPLACE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def clean(value: object, *, limit: int | None = MAX_CHARS) -> str:
    """`value` as text that is safe to write to Word (see the module's rules)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    else:
        text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        return text if limit is None or len(text) <= limit else _shorten(text, limit)
    text = _LINE_ENDS.sub("\n", text)
    text = _FORBIDDEN.sub("", text)
    text = _REPLACE.sub("\ufffd", text)
    if limit is not None and len(text) > limit:
        text = _shorten(text, limit)
    return text


def _shorten(text: str, limit: int) -> str:
    cut = text.rfind(" ", int(limit * 0.9), limit)
    if cut < 0:
        cut = limit
    left_out = len(text) - cut
    return (text[:cut].rstrip() + f" … [{left_out:,} more characters are in the plan file "
            f"but were left out of this document]")


def lines(value: object, *, limit: int | None = MAX_CHARS) -> list[str]:
    """The cleaned text split into its non-empty lines, each without surrounding spaces."""
    return [line.strip() for line in clean(value, limit=limit).split("\n") if line.strip()]


def one_line(value: object, *, limit: int | None = MAX_CHARS) -> str:
    """The cleaned text with its line breaks turned into spaces (for titles and table cells)."""
    return " ".join(lines(value, limit=limit))


def clip(value: object, limit: int) -> str:
    """One cleaned line of at most `limit` characters, cut at a word with an ellipsis (for
    headings, the page header and document properties, where a note would not fit)."""
    text = one_line(value, limit=None)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", int(limit * 0.7), limit - 1)
    return text[:cut if cut > 0 else limit - 1].rstrip() + "…"
