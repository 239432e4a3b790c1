"""Helpers of the Word export tests: reading an exported .docx back as XML."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

from lxml import etree

TODAY = datetime.date(2025, 10, 15)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Docx:
    """An exported .docx opened for inspection."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            self.parts = {name: z.read(name) for name in self.names}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        self.body = self.document.find(w("body"))
        self.styles = etree.fromstring(self.parts["word/styles.xml"])
        self.settings = etree.fromstring(self.parts["word/settings.xml"])
        self.style_names = {s.get(w("styleId")): s.find(w("name")).get(w("val"))
                            for s in self.styles.findall(w("style"))}

    def xml(self, part: str = "word/document.xml") -> str:
        return self.parts[part].decode("utf-8")

    def part_names(self, prefix: str) -> list[str]:
        return [n for n in self.names if n.startswith(prefix)]

    @staticmethod
    def text(el) -> str:
        return "".join(t.text or "" for t in el.iter(w("t")))

    def style_of(self, p) -> str:
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        return self.style_names.get(style.get(w("val")), "") if style is not None else ""

    def headings(self) -> list[tuple[int, str]]:
        found = []
        for p in self.body.iter(w("p")):
            name = self.style_of(p).casefold()
            if name.startswith("heading "):
                found.append((int(name.split()[1]), self.text(p)))
        return found

    def tables(self) -> list:
        return list(self.body.iter(w("tbl")))

    def table_header(self, tbl) -> list[str]:
        first = tbl.find(w("tr"))
        return [self.text(tc) for tc in first.findall(w("tc"))]

    def all_text(self) -> str:
        return "\n".join(self.text(p) for p in self.body.iter(w("p")))
