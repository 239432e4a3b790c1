"""The Word template shipped in resources/templates/plan-template.docx, and how it is made.

The template defines every style the exporter uses (STYLES_USED); a test checks that the shipped
file does. It is built from python-docx's own default document, restyled for print: black text,
clear heading levels, tables with ruled header rows, US Letter with one-inch margins (the paper
Ontario councils print on). Regenerate it after changing anything here:

    python -m cswb_desktop.export.template

A user may export with their own template instead (a municipal letterhead, say); styles missing
from it are copied in from this one when the document is written, see `writer.ensure_styles`.
"""

from __future__ import annotations

import copy
import io
import sys
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt, RGBColor
from lxml import etree

from ..core.resources import resource_path

TEMPLATE_NAME = "templates/plan-template.docx"

TABLE_STYLE = "CSWB Table"

# Every style the exporter writes, by the name Word shows (built-in names as Word spells them).
PARAGRAPH_STYLES: tuple[str, ...] = (
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption",
    "List Bullet", "Quote", "TOC Heading", "TOC 1", "TOC 2", "TOC 3", "Header", "Footer",
    "Table Text", "Table Heading", "Table Text Compact", "Note", "Figure",
)
TABLE_STYLES: tuple[str, ...] = (TABLE_STYLE,)
STYLES_USED: tuple[str, ...] = PARAGRAPH_STYLES + TABLE_STYLES

BLACK = RGBColor(0, 0, 0)
DARK = RGBColor(0x26, 0x26, 0x26)
HEADER_FILL = "D9D9D9"  # a light grey that prints as grey, behind black bold text
GROUP_FILL = "F2F2F2"


def shipped_template_path() -> Path:
    return resource_path(TEMPLATE_NAME)


def _set_lang(rpr, tag: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = etree.SubElement(rpr, qn("w:lang"))
    lang.set(qn("w:val"), tag)


def _paragraph_style(doc, name: str, *, base: str | None = "Normal", size: float | None = None,
                     bold: bool | None = None, italic: bool | None = None,
                     color: RGBColor | None = None, before: float | None = None,
                     after: float | None = None, keep_next: bool | None = None,
                     align=None, left_cm: float | None = None, hanging_cm: float | None = None,
                     line: float | None = None, next_style: str | None = None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base is not None and name != base:
        style.base_style = styles[base]
    font = style.font
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    if align is not None:
        fmt.alignment = align
    if left_cm is not None:
        fmt.left_indent = Cm(left_cm)
    if hanging_cm is not None:
        fmt.first_line_indent = Cm(-hanging_cm)
    if line is not None:
        fmt.line_spacing = line
    if next_style is not None:
        style.next_paragraph_style = styles[next_style]
    style.quick_style = True
    return style


def _heading(doc, level: int, size: float, before: float, after: float) -> None:
    style = _paragraph_style(doc, f"Heading {level}", size=size, bold=True, italic=False,
                             color=BLACK, before=before, after=after, keep_next=True)
    style.font.name = None
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:  # the default template gives headings the serif heading font
        rpr.remove(fonts)
    style.paragraph_format.keep_together = True
    _outline_level(style, level - 1)


def _outline_level(style, level: int) -> None:
    style.element.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(level))


def _borders(parent, tag: str, sides: dict[str, tuple[str, int]]):
    borders = etree.SubElement(parent, qn(tag))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if side in sides:
            kind, size = sides[side]
            el = etree.SubElement(borders, qn(f"w:{side}"))
            el.set(qn("w:val"), kind)
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
    return borders


def _table_style(doc) -> None:
    """A ruled table: thin black lines, a header row in bold on light grey with a heavier rule."""
    styles = doc.styles
    try:
        style = styles[TABLE_STYLE]
    except KeyError:
        style = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    style.base_style = styles["Normal Table"]
    el = style.element
    for child in list(el):
        if child.tag in (qn("w:pPr"), qn("w:rPr"), qn("w:tblPr"), qn("w:tcPr"), qn("w:tblStylePr")):
            el.remove(child)
    ppr = etree.SubElement(el, qn("w:pPr"))
    spacing = etree.SubElement(ppr, qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    tblpr = etree.SubElement(el, qn("w:tblPr"))
    line = ("single", 4)
    _borders(tblpr, "w:tblBorders", {s: line for s in ("top", "left", "bottom", "right",
                                                        "insideH", "insideV")})
    margins = etree.SubElement(tblpr, qn("w:tblCellMar"))
    for side, width in (("top", 40), ("left", 85), ("bottom", 40), ("right", 85)):
        m = etree.SubElement(margins, qn(f"w:{side}"))
        m.set(qn("w:w"), str(width))
        m.set(qn("w:type"), "dxa")
    header = etree.SubElement(el, qn("w:tblStylePr"))
    header.set(qn("w:type"), "firstRow")
    rpr = etree.SubElement(header, qn("w:rPr"))
    etree.SubElement(rpr, qn("w:b"))
    trpr = etree.SubElement(header, qn("w:trPr"))
    etree.SubElement(trpr, qn("w:tblHeader"))
    tcpr = etree.SubElement(header, qn("w:tcPr"))
    _borders(tcpr, "w:tcBorders", {"bottom": ("single", 12)})
    shd = etree.SubElement(tcpr, qn("w:shd"))
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), HEADER_FILL)
    style.quick_style = True


def build_template_document(language_tag: str = "en-CA"):
    """The template as a python-docx Document (the shipped file is this, saved)."""
    doc = docx.Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = section.footer_distance = Cm(1.25)

    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    _set_lang(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), language_tag)

    normal = _paragraph_style(doc, "Normal", base=None, size=11, color=DARK, after=6, line=1.15)
    normal.font.name = None
    _paragraph_style(doc, "Title", size=28, bold=True, color=BLACK, after=12, before=96)
    title = doc.styles["Title"].element.get_or_add_pPr()
    for child in list(title):
        if child.tag in (qn("w:pBdr"),):
            title.remove(child)
    title_rpr = doc.styles["Title"].element.get_or_add_rPr()
    for child in list(title_rpr):
        if child.tag in (qn("w:rFonts"), qn("w:spacing"), qn("w:kern")):
            title_rpr.remove(child)
    _paragraph_style(doc, "Subtitle", size=15, italic=False, color=DARK, after=10)
    sub_rpr = doc.styles["Subtitle"].element.get_or_add_rPr()
    for child in list(sub_rpr):
        if child.tag in (qn("w:rFonts"), qn("w:spacing")):
            sub_rpr.remove(child)
    _heading(doc, 1, 18, before=0, after=10)
    _heading(doc, 2, 14, before=16, after=6)
    _heading(doc, 3, 12, before=12, after=4)
    _paragraph_style(doc, "Caption", size=9, bold=False, italic=True, color=BLACK, before=4,
                     after=12)
    _paragraph_style(doc, "List Bullet", after=3)
    _paragraph_style(doc, "Quote", italic=True, color=DARK, left_cm=1.0, after=8)
    quote = doc.styles["Quote"].element.get_or_add_pPr()
    ind = quote.find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:right"), "567")
    _paragraph_style(doc, "TOC Heading", base="Heading 1", size=18, bold=True, color=BLACK,
                     before=0, after=10)
    _outline_level(doc.styles["TOC Heading"], 9)
    for level in (1, 2, 3):
        style = _paragraph_style(doc, f"TOC {level}", size=10.5 if level == 1 else 10,
                                 bold=level == 1, before=4 if level == 1 else 0, after=0,
                                 left_cm=0.6 * (level - 1), line=1.0)
        style.element.set(qn("w:styleId"), f"TOC{level}")
        style.element.attrib.pop(qn("w:customStyle"), None)  # Word's own style, not a custom one
        style.name = f"toc {level}"
        style.unhide_when_used = True
    _paragraph_style(doc, "Header", size=9, color=DARK, after=0)
    _paragraph_style(doc, "Footer", size=9, color=DARK, after=0, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(doc, "Table Text", size=9.5, after=0, line=1.0)
    _paragraph_style(doc, "Table Heading", base="Table Text", bold=True, keep_next=True)
    _paragraph_style(doc, "Table Text Compact", base="Table Text", size=8)
    _paragraph_style(doc, "Note", size=9.5, italic=True, after=8)
    _paragraph_style(doc, "Figure", after=0, keep_next=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                     line=1.0)
    _table_style(doc)

    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):  # python-docx's picture of its own page
            package.rels.pop(rid)

    props = doc.core_properties
    props.title = "Community Safety and Well-Being Plan"
    props.author = "cswb-desktop"
    props.comments = "Template of the CSWB plan document and progress report."
    props.language = language_tag
    props.revision = 1
    return doc


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    build_template_document().save(buffer)
    return buffer.getvalue()


def write_template(path: Path | None = None) -> Path:
    path = Path(path) if path else shipped_template_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template_bytes())
    return path


def styles_xml(doc) -> bytes:
    """The template's style definitions, for comparing a shipped file with a fresh build."""
    return etree.tostring(copy.deepcopy(doc.styles.element), method="c14n")


if __name__ == "__main__":  # pragma: no cover
    written = write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"Wrote {written}")
