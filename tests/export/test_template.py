"""The shipped template defines every style the exporter uses; a user's own template (even one
without any of those styles, or a .dotx) works, its missing styles copied in cleanly."""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest
from exporthelp import TODAY, Docx, w

from cswb_desktop.export import ExportError, export_plan, export_progress_report
from cswb_desktop.export.template import (
    STYLES_USED, build_template_document, shipped_template_path, styles_xml,
)


def _names(document) -> set[str]:
    return {s.name.casefold() for s in document.styles}


def test_the_shipped_template_defines_every_style_used():
    path = shipped_template_path()
    assert path.is_file()
    names = _names(docx.Document(str(path)))
    missing = [s for s in STYLES_USED if s.casefold() not in names]
    assert not missing


def test_the_shipped_template_is_what_the_build_makes():
    """Changing template.py without regenerating the file (python -m
    cswb_desktop.export.template) fails here."""
    shipped = docx.Document(str(shipped_template_path()))
    assert styles_xml(shipped) == styles_xml(build_template_document())


def test_shipped_template_is_print_ready():
    doc = docx.Document(str(shipped_template_path()))
    section = doc.sections[0]
    assert round(section.page_width.inches, 2) == 8.5 and round(section.page_height.inches, 2) == 11
    assert not doc.paragraphs  # no leftover body text
    heading = doc.styles["Heading 1"]
    assert heading.font.bold and str(heading.font.color.rgb) == "000000"


def test_every_style_the_document_uses_is_defined(plan_docx):
    defined = set(plan_docx.style_names)
    used = {el.get(w("val")) for tag in ("pStyle", "tblStyle")
            for el in plan_docx.document.iter(w(tag))}
    assert used <= defined


def bare_template(path) -> None:
    """A Word document with none of our styles: only Normal and the table defaults."""
    document = docx.Document()
    styles = document.styles.element
    for style in list(styles.findall(w("style"))):
        name = style.find(w("name")).get(w("val"))
        if name not in ("Normal", "Default Paragraph Font", "Normal Table", "No List"):
            styles.remove(style)
    document.add_paragraph("Letterhead text that should not appear in the plan.")
    document.sections[0].header.paragraphs[0].text = "Town of Lakeview — Municipal Office"
    document.save(str(path))


def test_a_template_without_our_styles_falls_back_cleanly(demo_plan, tmp_path):
    template = tmp_path / "letterhead.docx"
    bare_template(template)
    target = tmp_path / "with-letterhead.docx"
    export_plan(demo_plan, target, template=template, today=TODAY)
    doc = Docx(target)
    names = {n.casefold() for n in doc.style_names.values()}
    assert all(s.casefold() in names for s in STYLES_USED)
    used = {el.get(w("val")) for tag in ("pStyle", "tblStyle") for el in doc.document.iter(w(tag))}
    assert used <= set(doc.style_names)
    assert [t for level, t in doc.headings() if level == 1][0] == "About this plan"
    assert "Letterhead text" not in doc.all_text()
    headers = " ".join(doc.xml(n) for n in doc.part_names("word/header"))
    assert "Municipal Office" in headers and "Birch Narrows" in headers
    # Bullets without the template's numbering are written as text.
    bullets = [p for p in doc.body.iter(w("p")) if doc.style_of(p) == "List Bullet"]
    assert bullets and all(Docx.text(p).startswith("•") and p.find(f".//{w('tab')}") is not None
                           for p in bullets)
    export_progress_report(demo_plan, tmp_path / "progress.docx", template=template, today=TODAY)


def test_a_plain_python_docx_document_works_as_a_template(demo_plan, tmp_path):
    template = tmp_path / "plain.docx"
    docx.Document().save(str(template))
    target = tmp_path / "plain-out.docx"
    export_plan(demo_plan, target, template=template, today=TODAY)
    assert Docx(target).headings()


def test_a_dotx_template_is_accepted(demo_plan, tmp_path):
    source = tmp_path / "t.docx"
    bare_template(source)
    dotx = tmp_path / "t.dotx"
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(dotx, "w") as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"wordprocessingml.document.main+xml",
                                    b"wordprocessingml.template.main+xml")
            out.writestr(item, data)
    target = tmp_path / "from-dotx.docx"
    export_plan(demo_plan, target, template=dotx, today=TODAY)
    assert b"document.main+xml" in zipfile.ZipFile(target).read("[Content_Types].xml")


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_an_unusable_template_is_one_clear_sentence(demo_plan, tmp_path, content):
    template = tmp_path / "broken.docx"
    template.write_bytes(content)
    target = tmp_path / "out.docx"
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, target, template=template, today=TODAY)
    assert "broken.docx" in str(caught.value) and "template" in str(caught.value)
    assert not target.exists()


def test_a_missing_template_is_one_clear_sentence(demo_plan, tmp_path):
    with pytest.raises(ExportError) as caught:
        export_plan(demo_plan, tmp_path / "o.docx", template=tmp_path / "nowhere.docx", today=TODAY)
    assert "nowhere.docx" in str(caught.value)


def test_a_zip_that_is_not_word_is_refused(demo_plan, tmp_path):
    template = tmp_path / "archive.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    template.write_bytes(buffer.getvalue())
    with pytest.raises(ExportError):
        export_plan(demo_plan, tmp_path / "o.docx", template=template, today=TODAY)


def test_style_ids_with_markup_characters_are_written_safely(demo_plan, tmp_path):
    """A template's style ids are its author's text: quotes or ampersands must not break the XML."""
    document = docx.Document(str(shipped_template_path()))
    odd = 'Table"Text&<x>'
    for style in document.styles.element.findall(w("style")):
        if style.get(w("styleId")) == "TableText":
            style.set(w("styleId"), odd)
        based = style.find(w("basedOn"))
        if based is not None and based.get(w("val")) == "TableText":
            based.set(w("val"), odd)
    template = tmp_path / "odd.docx"
    document.save(str(template))
    target = tmp_path / "odd-out.docx"
    export_plan(demo_plan, target, template=template, today=TODAY)
    used = {el.get(w("val")) for el in Docx(target).document.iter(w("pStyle"))}
    assert odd in used


def test_drawing_ids_stay_unique_beside_a_letterhead_picture(demo_plan, tmp_path):
    from PySide6.QtGui import QColor, QImage

    picture = tmp_path / "crest.png"
    image = QImage(60, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("black"))
    image.save(str(picture))
    document = docx.Document()
    document.sections[0].header.paragraphs[0].add_run().add_picture(str(picture))
    template = tmp_path / "crest.docx"
    document.save(str(template))
    target = tmp_path / "crest-out.docx"
    export_plan(demo_plan, target, template=template, today=TODAY)
    doc = Docx(target)
    ids = []
    for name, blob in doc.parts.items():
        if name.endswith(".xml"):
            ids += re.findall(rb'<wp:docPr [^>]*\bid="(\d+)"', blob)
    assert len(ids) >= 2 and len(ids) == len(set(ids))
