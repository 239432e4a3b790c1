"""A small Word writer on top of python-docx: paragraphs, headings, tables, figures, sections.

It writes the XML of the body directly (python-docx's object layer looks styles up by name and
tables up cell by cell, which is far too slow for a plan with thousands of rows) and uses
python-docx for the package: the template, styles, images, headers and footers.

Every string goes through `sanitize.clean` here, and only here, on its way in. Every run carries
the document's language; every heading gets a bookmark for the table of contents; every image
gets alternative text; every table marks its header row to repeat on each page.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence, Union

import docx
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn as _qn
from docx.oxml.parser import OxmlElement, parse_xml
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Cm
from lxml import etree

from . import template as templates
from .output import ExportError
from .sanitize import clean, clip, one_line

SubElement = etree.SubElement
qn = lru_cache(maxsize=None)(_qn)  # the writer asks for the same few dozen tags a million times
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_W_DECL = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    """A value for a double-quoted attribute (style ids come from the user's template)."""
    return _escape(text).replace('"', "&quot;")
TWIPS_PER_CM = 1440 / 2.54
EMU_PER_CM = 360000
CANT_SPLIT_LIMIT = 1500  # characters; a taller row than a page must be allowed to break
KEEP_TOGETHER_ROWS = 16  # a table this short moves to the next page whole rather than split
KEEP_TOGETHER_CHARS = 2500
HEADING_LIMIT = 300
TITLE_LIMIT = 250  # the plan's title on the title page, in the header and the file's properties
LANDSCAPE_SIDE_MARGIN = 1080  # twips: 0.75 inch

# Children of w:settings that must come after w:updateFields (ECMA-376 order).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)


@dataclass(frozen=True)
class TableColumn:
    title: str
    weight: float = 1.0  # share of the table's width


@dataclass(frozen=True)
class TableCell:
    text: object
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class GroupRow:
    """A row spanning the whole table that introduces the rows below it."""
    text: object


CellValue = Union[str, None, TableCell, Sequence[str]]


# --- templates ----------------------------------------------------------------------------------

def open_document(path: Path | str | None):
    """The template as a python-docx Document; a .dotx is opened as the document it would make."""
    if path is None:
        shipped = templates.shipped_template_path()
        if shipped.is_file():
            return docx.Document(str(shipped))
        return templates.build_template_document()
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"The template {name} could not be opened "
                          f"({getattr(exc, 'strerror', None) or exc}); choose another template "
                          f"or use the built-in one.") from exc
    try:
        return docx.Document(io.BytesIO(_as_document_package(data)))
    except (PackageNotFoundError, ValueError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError,
            OSError) as exc:
        raise ExportError(f"The template {name} is not a Word document that can be used here; "
                          f"choose another template or use the built-in one.") from exc


def _as_document_package(data: bytes) -> bytes:
    """A Word template (.dotx/.dotm) differs from a document only in its main content type."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            types = z.read("[Content_Types].xml")
            if b"template.main+xml" not in types and b"macroEnabledTemplate.main+xml" not in types:
                return data
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
                for item in z.infolist():
                    blob = z.read(item.filename)
                    if item.filename == "[Content_Types].xml":
                        blob = (blob.replace(b"wordprocessingml.template.main+xml",
                                             b"wordprocessingml.document.main+xml")
                                .replace(b"ms-word.template.macroEnabledTemplate.main+xml",
                                         b"officedocument.wordprocessingml.document.main+xml"))
                    w.writestr(item, blob)
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError):
        return data


@lru_cache(maxsize=1)
def _reference_styles() -> bytes:
    doc = open_document(None)
    return etree.tostring(doc.styles.element)


class StyleBook:
    """Style ids by name; styles the template lacks are copied in from the shipped template."""

    def __init__(self, doc):
        self.element = doc.styles.element
        self.ids = self._scan(self.element)
        self.copied: set[str] = set()
        self._memo: dict[str, str] = {}
        self.plain_bullets = False  # List Bullet came without numbering: write the bullet
        missing = [n for n in templates.STYLES_USED if n.casefold() not in self.ids]
        if missing:
            reference = etree.fromstring(_reference_styles())
            by_id = {s.get(qn("w:styleId")): s for s in reference.findall(qn("w:style"))}
            ref_ids = self._scan(reference)
            for name in missing:
                self._copy(by_id, ref_ids[name.casefold()])
                self.copied.add(name)
        bullet = self._style(self.ids["list bullet"])
        if bullet is not None and bullet.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is None:
            self.plain_bullets = True

    @staticmethod
    def _scan(styles_el) -> dict[str, str]:
        ids = {}
        for style in styles_el.findall(qn("w:style")):
            name_el = style.find(qn("w:name"))
            style_id = style.get(qn("w:styleId"))
            if name_el is not None and style_id and name_el.get(qn("w:val")):
                ids.setdefault(name_el.get(qn("w:val")).casefold(), style_id)
        return ids

    def _style(self, style_id: str):
        for style in self.element.findall(qn("w:style")):
            if style.get(qn("w:styleId")) == style_id:
                return style
        return None

    def _copy(self, by_id: dict, style_id: str) -> str:
        source = by_id[style_id]
        name = source.find(qn("w:name")).get(qn("w:val"))
        if name.casefold() in self.ids:
            return self.ids[name.casefold()]
        style = copy.deepcopy(source)
        taken = {s.get(qn("w:styleId")) for s in self.element.findall(qn("w:style"))}
        new_id = style_id
        while new_id in taken:
            new_id += "CSWB"
        style.set(qn("w:styleId"), new_id)
        self.ids[name.casefold()] = new_id
        for tag in ("w:link", "w:rsid"):
            for el in style.findall(qn(tag)):
                style.remove(el)
        ppr = style.find(qn("w:pPr"))
        if ppr is not None:
            for num in ppr.findall(qn("w:numPr")):  # numbering lives in another part
                ppr.remove(num)
        for tag in ("w:basedOn", "w:next"):
            el = style.find(qn(tag))
            if el is None:
                continue
            target = el.get(qn("w:val"))
            if target == style_id or target not in by_id:
                style.remove(el)
            else:
                el.set(qn("w:val"), self._copy(by_id, target))
        self.element.append(style)
        return new_id

    def id(self, name: str) -> str:
        found = self._memo.get(name)
        if found is None:
            found = self._memo[name] = self.ids[name.casefold()]
        return found


# --- the writer ---------------------------------------------------------------------------------

class DocWriter:
    def __init__(self, *, template: Path | str | None, language_tag: str, header_text: str,
                 title: str, subject: str = ""):
        self.doc = open_document(template)
        self.lang = language_tag
        self._lang_attr = {qn("w:val"): language_tag}
        self._lang_xml = f'<w:lang w:val="{_escape(language_tag)}"/>'
        self.body = self.doc.element.body
        for child in list(self.body):
            if child.tag != qn("w:sectPr"):
                self.body.remove(child)
        self.sect = self.body.find(qn("w:sectPr"))
        if self.sect is None:
            self.sect = SubElement(self.body, qn("w:sectPr"))
        self._portrait_sect()
        margins = self.sect.find(qn("w:pgMar"))
        self._portrait_margins = {side: self._twips(margins, side, 1440) for side in ("left", "right")}
        self.styles = StyleBook(self.doc)
        self.headings: list[tuple[int, str, str]] = []
        self._next_bookmark = 1
        self._next_shape = self._first_free_shape_id()
        self._at_page_top = True
        self._landscape = False
        self._sections_closed = 0
        self._toc_marker = None
        self._images: dict[str, str] = {}
        self._image_count = 0
        self._set_language()
        self._header_footer(header_text)
        props = self.doc.core_properties
        props.title = clip(title, 250)
        props.subject = clip(subject, 250)
        props.language = language_tag
        props.author = "cswb-desktop"
        props.last_modified_by = "cswb-desktop"
        props.keywords = "community safety and well-being"

    def _first_free_shape_id(self) -> int:
        """Drawing ids must be unique across the document, its headers and footers, and a
        letterhead template may bring pictures of its own."""
        highest = 0
        for part in self.doc.part.package.iter_parts():
            element = getattr(part, "_element", None)
            if element is None:
                continue
            for doc_pr in element.iter(f"{{{_WP}}}docPr"):
                try:
                    highest = max(highest, int(doc_pr.get("id", "0")))
                except ValueError:
                    continue
        return highest + 1

    # --- page geometry --------------------------------------------------------------------------

    def _portrait_sect(self) -> None:
        size = self.sect.find(qn("w:pgSz"))
        if size is None:
            size = SubElement(self.sect, qn("w:pgSz"))
            size.set(qn("w:w"), "12240")
            size.set(qn("w:h"), "15840")
        w, h = int(size.get(qn("w:w"), "12240")), int(size.get(qn("w:h"), "15840"))
        if w > h:
            size.set(qn("w:w"), str(h))
            size.set(qn("w:h"), str(w))
        size.attrib.pop(qn("w:orient"), None)
        if self.sect.find(qn("w:pgMar")) is None:
            margins = SubElement(self.sect, qn("w:pgMar"))
            for side in ("top", "right", "bottom", "left"):
                margins.set(qn(f"w:{side}"), "1440")
            for side in ("header", "footer", "gutter"):
                margins.set(qn(f"w:{side}"), "709" if side != "gutter" else "0")

    def _twips(self, el, attr: str, default: int) -> int:
        try:
            return int(float(el.get(qn(f"w:{attr}"), default)))
        except (TypeError, ValueError):
            return default

    def text_width_cm(self, landscape: bool | None = None) -> float:
        landscape = self._landscape if landscape is None else landscape
        size = self.sect.find(qn("w:pgSz"))
        w, h = self._twips(size, "w", 12240), self._twips(size, "h", 15840)
        page = max(w, h) if landscape else min(w, h)
        left, right = self._portrait_margins["left"], self._portrait_margins["right"]
        if landscape:
            left, right = min(left, LANDSCAPE_SIDE_MARGIN), min(right, LANDSCAPE_SIDE_MARGIN)
        return max(5.0, (page - left - right) / TWIPS_PER_CM)

    def text_height_cm(self) -> float:
        size, margins = self.sect.find(qn("w:pgSz")), self.sect.find(qn("w:pgMar"))
        w, h = self._twips(size, "w", 12240), self._twips(size, "h", 15840)
        page = min(w, h) if self._landscape else max(w, h)
        top = self._twips(margins, "top", 1440) if margins is not None else 1440
        bottom = self._twips(margins, "bottom", 1440) if margins is not None else 1440
        return max(5.0, (page - top - bottom) / TWIPS_PER_CM)

    def _orient(self, sect, landscape: bool) -> None:
        """Turn the page; a landscape page gets side margins of at most 0.75 inch, for width."""
        margins = sect.find(qn("w:pgMar"))
        if margins is not None:
            for side in ("left", "right"):
                portrait = self._portrait_margins.get(side, 1440)
                margins.set(qn(f"w:{side}"), str(min(portrait, LANDSCAPE_SIDE_MARGIN)
                                                 if landscape else portrait))
        size = sect.find(qn("w:pgSz"))
        w, h = self._twips(size, "w", 12240), self._twips(size, "h", 15840)
        small, large = min(w, h), max(w, h)
        if landscape:
            size.set(qn("w:w"), str(large))
            size.set(qn("w:h"), str(small))
            size.set(qn("w:orient"), "landscape")
        else:
            size.set(qn("w:w"), str(small))
            size.set(qn("w:h"), str(large))
            size.attrib.pop(qn("w:orient"), None)

    def section_break(self, *, landscape: bool) -> None:
        """End the current section here; what follows starts a new page in the given layout."""
        ended = copy.deepcopy(self.sect)
        self._orient(ended, self._landscape)
        if self._sections_closed:
            for title_page in ended.findall(qn("w:titlePg")):
                ended.remove(title_page)
        p = self._p(None)
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = SubElement(p, qn("w:pPr"))
        spacing = SubElement(ppr, qn("w:spacing"))
        spacing.set(qn("w:before"), "0")
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "20")
        spacing.set(qn("w:lineRule"), "exact")
        ppr.append(ended)
        self._sections_closed += 1
        for title_page in self.sect.findall(qn("w:titlePg")):
            self.sect.remove(title_page)
        self._landscape = landscape
        self._orient(self.sect, landscape)
        self._at_page_top = True

    # --- document-wide settings -----------------------------------------------------------------

    def _set_language(self) -> None:
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = OxmlElement("w:rPrDefault")
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = SubElement(rpr_default, qn("w:rPr"))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = SubElement(rpr, qn("w:lang"))
        lang.set(qn("w:val"), self.lang)

        settings = self.doc.settings.element
        for old in settings.findall(qn("w:updateFields")):
            settings.remove(old)
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        later = {qn(f"w:{name}") for name in _AFTER_UPDATE_FIELDS}
        successor = next((c for c in settings if c.tag in later), None)
        if successor is not None:
            successor.addprevious(update)
        else:
            settings.append(update)
        font_lang = settings.find(qn("w:themeFontLang"))
        if font_lang is not None:
            font_lang.set(qn("w:val"), self.lang)

    def _header_footer(self, header_text: str) -> None:
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        for part in (section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous:
                part.is_linked_to_previous = False  # an empty title-page header and footer
        header, footer = section.header, section.footer
        header.is_linked_to_previous = False
        footer.is_linked_to_previous = False
        p = self._free_paragraph(header._element)
        self._style_p(p, "Header")
        self._runs(p, clip(header_text, HEADING_LIMIT), cleaned=True)
        p = self._free_paragraph(footer._element)
        self._style_p(p, "Footer")
        self._runs(p, "Page ")
        self._field(p, "PAGE", "1")
        self._runs(p, " of ")
        self._field(p, "NUMPAGES", "1")

    def _free_paragraph(self, container):
        """An empty paragraph of a header or footer to write into, added after any content."""
        paragraphs = container.findall(qn("w:p"))
        has_content = any(p.find(f".//{qn('w:t')}") is not None or
                          p.find(f".//{qn('w:drawing')}") is not None or
                          p.find(f".//{qn('w:pict')}") is not None for p in paragraphs)
        if paragraphs and not has_content and len(paragraphs) == 1:
            p = paragraphs[0]
            for child in list(p):
                if child.tag != qn("w:pPr"):
                    p.remove(child)
            ppr = p.find(qn("w:pPr"))
            if ppr is not None:
                p.remove(ppr)
            return p
        return SubElement(container, qn("w:p"))

    # --- paragraphs and runs --------------------------------------------------------------------

    def _p(self, style: str | None, parent=None, *, keep_next: bool = False,
           page_break_before: bool = False, align: str | None = None):
        if parent is None:
            p = OxmlElement("w:p")
            self.sect.addprevious(p)
            self._at_page_top = False
        else:
            p = SubElement(parent, qn("w:p"))
        if style or keep_next or page_break_before or align:
            ppr = SubElement(p, qn("w:pPr"))
            if style:
                SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), self.styles.id(style))
            if keep_next:
                SubElement(ppr, qn("w:keepNext"))
            if page_break_before:
                SubElement(ppr, qn("w:pageBreakBefore"))
            if align:
                SubElement(ppr, qn("w:jc")).set(qn("w:val"), align)
        return p

    def _style_p(self, p, style: str) -> None:
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            p.insert(0, ppr)
        SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), self.styles.id(style))
        ppr.insert(0, ppr[-1])

    def _rpr(self, r, bold: bool, italic: bool, size: float | None = None) -> None:
        rpr = SubElement(r, qn("w:rPr"))
        if bold:
            SubElement(rpr, qn("w:b"))
        if italic:
            SubElement(rpr, qn("w:i"))
        if size:
            SubElement(rpr, qn("w:sz"), {qn("w:val"): str(int(size * 2))})
        SubElement(rpr, qn("w:lang"), self._lang_attr)

    def _runs(self, p, text: object, *, bold: bool = False, italic: bool = False,
              size: float | None = None, cleaned: bool = False) -> None:
        """Text as runs: newlines become line breaks, tabs become tabs."""
        value = text if cleaned else clean(text)
        if not value:
            return
        for index, line in enumerate(value.split("\n")):
            r = SubElement(p, qn("w:r"))
            self._rpr(r, bold, italic, size)
            if index:
                SubElement(r, qn("w:br"))
            for position, part in enumerate(line.split("\t")):
                if position:
                    SubElement(r, qn("w:tab"))
                if part:
                    t = SubElement(r, qn("w:t"))
                    t.text = part
                    if part[0] == " " or part[-1] == " ":
                        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def _field(self, p, instruction: str, cached: str) -> None:
        for kind in ("begin", "instr", "separate", "text", "end"):
            r = SubElement(p, qn("w:r"))
            self._rpr(r, False, False)
            if kind == "instr":
                t = SubElement(r, qn("w:instrText"))
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = f" {instruction} "
            elif kind == "text":
                SubElement(r, qn("w:t")).text = cached
            else:
                SubElement(r, qn("w:fldChar")).set(qn("w:fldCharType"), kind)

    def paragraph(self, text: object = "", style: str = "Normal", *, bold: bool = False,
                  italic: bool = False, keep_next: bool = False, align: str | None = None,
                  page_break_before: bool = False):
        """One paragraph; line breaks inside the text stay line breaks."""
        p = self._p(style, keep_next=keep_next, align=align,
                    page_break_before=page_break_before and not self._at_page_top)
        self._runs(p, text, bold=bold, italic=italic)
        return p

    def add_text(self, p, text: object, *, bold: bool = False, italic: bool = False) -> None:
        """More text at the end of a paragraph written earlier."""
        self._runs(p, text, bold=bold, italic=italic)

    def paragraphs(self, text: object, style: str = "Normal", *, italic: bool = False) -> int:
        """The text's lines as separate paragraphs (blank lines dropped); returns how many."""
        count = 0
        for line in clean(text).split("\n"):
            if line.strip():
                p = self._p(style)
                self._runs(p, line.strip(), italic=italic, cleaned=True)
                count += 1
        return count

    def labelled(self, label: str, text: object, *, style: str = "Normal",
                 keep_next: bool = False) -> bool:
        """'Label: text' with the label in bold; longer text goes in paragraphs below the label.
        Writes nothing and returns False when the text is empty."""
        lines = [line.strip() for line in clean(text).split("\n") if line.strip()]
        if not lines:
            return False
        if len(lines) == 1 and len(lines[0]) < 400:
            p = self._p(style, keep_next=keep_next)
            self._runs(p, f"{label}: ", bold=True)
            self._runs(p, lines[0], cleaned=True)
            return True
        self.paragraph(label, style, bold=True, keep_next=True)
        for line in lines:
            p = self._p(style)
            self._runs(p, line, cleaned=True)
        return True

    def note(self, text: object) -> None:
        self.paragraph(text, "Note")

    def not_recorded(self, what: str = "") -> None:
        self.note(f"{what} not yet recorded." if what else "Not yet recorded.")

    def bullets(self, items: Iterable[object], parent=None) -> int:
        count = 0
        for item in items:
            value = one_line(item)
            if not value:
                continue
            p = self._p("List Bullet", parent)
            self._runs(p, ("•\t" if self.styles.plain_bullets else "") + value, cleaned=True)
            count += 1
        return count

    # --- headings and contents ------------------------------------------------------------------

    def heading(self, text: object, level: int, *, new_page: bool = False) -> str:
        """A real heading (style Heading 1–3) with a bookmark the table of contents links to."""
        value = clip(text, HEADING_LIMIT) or "Untitled"
        p = self._p(f"Heading {level}", page_break_before=new_page and not self._at_page_top)
        bookmark = f"_Toc{100000000 + self._next_bookmark}"
        mark_id = str(self._next_bookmark)
        self._next_bookmark += 1
        start = SubElement(p, qn("w:bookmarkStart"))
        start.set(qn("w:id"), mark_id)
        start.set(qn("w:name"), bookmark)
        self._runs(p, value, cleaned=True)
        SubElement(p, qn("w:bookmarkEnd")).set(qn("w:id"), mark_id)
        self.headings.append((level, value, bookmark))
        return bookmark

    def table_of_contents(self, title: str = "Contents") -> None:
        """A TOC field (levels 1–3, hyperlinked) that Word fills with page numbers on opening;
        until then it holds the headings themselves, so it is never empty on paper."""
        self.paragraph(title, "TOC Heading", page_break_before=True)
        self._toc_marker = self._p(None)

    def _fill_table_of_contents(self) -> None:
        marker = self._toc_marker
        if marker is None:
            return
        entries = [(level, text, mark) for level, text, mark in self.headings if level <= 3]
        paragraphs = []
        if not entries:
            entries = [(1, "The document has no headings yet.", None)]
        for index, (level, text, mark) in enumerate(entries):
            p = OxmlElement("w:p")
            ppr = SubElement(p, qn("w:pPr"))
            SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), self.styles.id(f"TOC {level}"))
            if index == 0:
                self._field_start(p, 'TOC \\o "1-3" \\h \\z \\u')
            holder = p
            if mark:
                holder = SubElement(p, qn("w:hyperlink"))
                holder.set(qn("w:anchor"), mark)
                holder.set(qn("w:history"), "1")
            self._runs(holder, text, cleaned=True)
            paragraphs.append(p)
        end = SubElement(paragraphs[-1], qn("w:r"))
        self._rpr(end, False, False)
        SubElement(end, qn("w:fldChar")).set(qn("w:fldCharType"), "end")
        for p in paragraphs:
            marker.addprevious(p)
        marker.getparent().remove(marker)
        self._toc_marker = None

    def _field_start(self, p, instruction: str) -> None:
        for kind in ("begin", "instr", "separate"):
            r = SubElement(p, qn("w:r"))
            self._rpr(r, False, False)
            if kind == "instr":
                t = SubElement(r, qn("w:instrText"))
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                t.text = f" {instruction} "
            else:
                SubElement(r, qn("w:fldChar")).set(qn("w:fldCharType"), kind)

    # --- tables ---------------------------------------------------------------------------------

    def table(self, columns: Sequence[TableColumn], rows: Iterable[Sequence[CellValue] | GroupRow], *,
              compact: bool = False, width_cm: float | None = None):
        """A table with a repeating, marked header row; rows are kept whole on a page when they
        are short enough to fit on one, and a short table is kept whole with its header."""
        text_style = "Table Text Compact" if compact else "Table Text"
        heading_style = "Table Heading"
        heading_size = 8.5 if compact else None
        rows = list(rows)
        prepared = [row if isinstance(row, GroupRow) else [self._cell_lines(v) for v in row]
                    for row in rows]
        volume = sum(len(line) for row in prepared if not isinstance(row, GroupRow)
                     for lines, _b, _i in row for line in lines)
        keep_whole = len(prepared) <= KEEP_TOGETHER_ROWS and volume <= KEEP_TOGETHER_CHARS
        total = width_cm or self.text_width_cm()
        weights = sum(c.weight for c in columns) or 1.0
        widths = [int(total * TWIPS_PER_CM * c.weight / weights) for c in columns]

        # The table is written as XML text and parsed once: for tables of thousands of rows this
        # is several times faster than creating each element from Python. Every piece of text in
        # it has been through the sanitiser and is escaped here.
        out: list[str] = [f'<w:tbl {_W_DECL}><w:tblPr>'
                          f'<w:tblStyle w:val="{_attr(self.styles.id(templates.TABLE_STYLE))}"/>'
                          f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
                          f'<w:tblLayout w:type="fixed"/>']
        if compact:
            out.append('<w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
                       '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>')
        out.append('<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
                   'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>')
        out.extend(f'<w:gridCol w:w="{width}"/>' for width in widths)
        out.append("</w:tblGrid>")

        text_p = self._p_open(text_style, False)
        keep_p = self._p_open(text_style, True)
        heading_p = self._p_open(heading_style, True)
        out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
        for column, width in zip(columns, widths):
            out.append(self._tc_open(width, 1, templates.HEADER_FILL))
            out.append(heading_p + self._run_xml(one_line(column.title), True, False, heading_size)
                       + "</w:p></w:tc>")
        out.append("</w:tr>")

        last = len(prepared) - 1
        for index, row in enumerate(prepared):
            if isinstance(row, GroupRow):
                out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
                out.append(self._tc_open(sum(widths), len(widths), templates.GROUP_FILL))
                out.append(heading_p + self._run_xml(one_line(row.text), True, False, heading_size)
                           + "</w:p></w:tc></w:tr>")
                continue
            opening = keep_p if keep_whole and index < last else text_p
            size = sum(len(line) for lines, _b, _i in row for line in lines)
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" if size < CANT_SPLIT_LIMIT
                       else "<w:tr>")
            for (lines, bold, italic), width in zip(row, widths):
                out.append(self._tc_open(width, 1, None))
                if not lines:
                    out.append(opening + "</w:p>")
                for line in lines:
                    out.append(opening + self._run_xml(line, bold, italic, None) + "</w:p>")
                out.append("</w:tc>")
            for width in widths[len(row):]:
                out.append(self._tc_open(width, 1, None) + opening + "</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        tbl = parse_xml("".join(out))
        self._keep_with_table(self.sect.getprevious())
        self.sect.addprevious(tbl)
        self._at_page_top = False
        # A table needs a paragraph after it before another table or a section break.
        after = self._p(None)
        ppr = SubElement(after, qn("w:pPr"))
        spacing = SubElement(ppr, qn("w:spacing"))
        spacing.set(qn("w:before"), "0")
        spacing.set(qn("w:after"), "120")
        return tbl

    @staticmethod
    def _keep_with_table(previous) -> None:
        """The text just before a table (a heading, an introducing sentence) stays on its page."""
        if previous is None or previous.tag != qn("w:p") or previous.find(f".//{qn('w:t')}") is None:
            return
        ppr = previous.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            previous.insert(0, ppr)
        if ppr.find(qn("w:keepNext")) is not None or ppr.find(qn("w:sectPr")) is not None:
            return
        style = ppr.find(qn("w:pStyle"))
        ppr.insert(0 if style is None else 1, OxmlElement("w:keepNext"))

    def _p_open(self, style: str, keep_next: bool) -> str:
        return (f'<w:p><w:pPr><w:pStyle w:val="{_attr(self.styles.id(style))}"/>'
                + ("<w:keepNext/>" if keep_next else "") + "</w:pPr>")

    @staticmethod
    def _tc_open(width: int, span: int, fill: str | None) -> str:
        return ('<w:tc><w:tcPr>' f'<w:tcW w:w="{width}" w:type="dxa"/>'
                + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
                + (f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else "")
                + "</w:tcPr>")

    def _run_xml(self, text: str, bold: bool, italic: bool, size: float | None) -> str:
        """One run as XML text; `text` is already clean (one line, tabs allowed)."""
        props = (("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
                 + (f'<w:sz w:val="{int(size * 2)}"/>' if size else "") + self._lang_xml)
        body = "<w:tab/>".join(f'<w:t xml:space="preserve">{_escape(part)}</w:t>' if part else ""
                               for part in text.split("\t"))
        return f"<w:r><w:rPr>{props}</w:rPr>{body}</w:r>"

    @staticmethod
    def _cell_lines(value: CellValue) -> tuple[list[str], bool, bool]:
        bold = italic = False
        if isinstance(value, TableCell):
            bold, italic, value = value.bold, value.italic, value.text
        if value is None:
            return [], bold, italic
        if isinstance(value, (list, tuple)):
            items = [one_line(v) for v in value]
            items = [v for v in items if v]
            if len(items) > 1:
                return [f"• {v}" for v in items], bold, italic
            return items, bold, italic
        lines = [line.strip() for line in clean(value).split("\n") if line.strip()]
        return lines, bold, italic

    # --- images ---------------------------------------------------------------------------------

    def image(self, png: bytes, *, width_cm: float, alt: object, name: str = "Figure",
              max_height_cm: float | None = None):
        """An inline picture in its own paragraph, with alternative text for screen readers."""
        rid, picture = self._image_part(png)
        width_cm = min(width_cm, self.text_width_cm())
        cx = int(width_cm * EMU_PER_CM)
        px_w, px_h = max(1, picture.px_width), max(1, picture.px_height)
        cy = int(cx * px_h / px_w)
        limit = (max_height_cm or self.text_height_cm() * 0.85) * EMU_PER_CM
        if cy > limit:
            cx, cy = int(cx * limit / cy), int(limit)
        shape_id = self._next_shape
        self._next_shape += 1
        inline = CT_Inline.new_pic_inline(shape_id, rid, picture.filename, Cm(cx / EMU_PER_CM),
                                          Cm(cy / EMU_PER_CM))
        doc_pr = inline.docPr
        doc_pr.set("name", clean(f"{name} {shape_id}", limit=200))
        doc_pr.set("descr", clean(alt, limit=4000))
        p = self._p("Figure", keep_next=True)
        r = SubElement(p, qn("w:r"))
        self._rpr(r, False, False)
        SubElement(r, qn("w:drawing")).append(inline)
        return p

    def _image_part(self, png: bytes):
        """The picture's relationship id, adding its part once per distinct picture.

        python-docx's own lookup re-hashes every picture already in the document and rescans
        every relationship for each new one, which is quadratic: a progress report of the large
        benchmark plan (2,000 charts) spent minutes there. Here each picture is hashed once."""
        picture = Image.from_blob(png)
        found = self._images.get(picture.sha1)
        if found is not None:
            return found, picture
        self._image_count += 1
        part = ImagePart.from_image(
            picture, PackURI(f"/word/media/cswb-{self._image_count}.{picture.ext}"))
        rid = f"rIdCswbImage{self._image_count}"
        self.doc.part.rels.add_relationship(RT.IMAGE, part, rid)
        self._images[picture.sha1] = rid
        return rid, picture

    def caption(self, text: object) -> None:
        self.paragraph(text, "Caption")

    # --- finishing ------------------------------------------------------------------------------

    def save(self, stream) -> None:
        self._fill_table_of_contents()
        self.doc.save(stream)
