"""A plan's logo is untrusted: an SVG that points at a file on this computer (or on the web) must
not carry that file into the Word document, and a bad picture is left out with a sentence rather
than stopping the export."""

from __future__ import annotations

import base64
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from cswb_desktop import cli
from cswb_desktop.export import export_plan
from cswb_desktop.export.images import MAX_BYTES, safe_picture

from exporthelp import TODAY
from test_plan_document import empty_plan

SECRET_RGB = (0x13, 0x57, 0x9B)  # a colour no logo of ours uses


def png_bytes(width: int, height: int, rgb: tuple[int, int, int], *, text: bytes = b"") -> bytes:
    """A plain PNG, made by hand (no Qt), filled with one colour; `text` goes into a tEXt chunk."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + bytes(rgb) * width
    chunks = [chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))]
    if text:
        chunks.append(chunk(b"tEXt", b"Comment\x00" + text))
    chunks.append(chunk(b"IDAT", zlib.compress(row * height)))
    chunks.append(chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels, with no pixel data at all."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IEND", b""))


@pytest.fixture
def secret(tmp_path) -> Path:
    """A picture on this computer that no document should ever carry."""
    path = tmp_path / "private" / "scan of my passport.png"
    path.parent.mkdir()
    path.write_bytes(png_bytes(64, 64, SECRET_RGB, text=b"SECRET-MARKER-7f3a"))
    return path


def media_parts(docx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(docx) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("word/media/")}


def all_parts(docx: Path) -> bytes:
    with zipfile.ZipFile(docx) as z:
        return b"".join(z.read(n) for n in z.namelist())


def colours_of(picture: bytes) -> set[tuple[int, int, int]]:
    from PySide6.QtGui import QImage

    from cswb_desktop.charts import ensure_painting_application

    ensure_painting_application()
    image = QImage()
    if not image.loadFromData(picture):
        return set()
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    found = set()
    for y in range(0, image.height(), step_y):
        for x in range(0, image.width(), step_x):
            c = image.pixelColor(x, y)
            found.add((c.red(), c.green(), c.blue()))
    return found


def svg(body: str, *, head: str = "", attrs: str = "") -> bytes:
    return (f'{head}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="64" height="64" {attrs}>{body}</svg>').encode()


def hostile_logos(secret: Path) -> dict[str, bytes]:
    uri, name = secret.as_uri(), secret.name
    inner = svg(f'<image width="64" height="64" xlink:href="{secret}"/>')
    return {
        "image-absolute-path": svg(f'<image width="64" height="64" xlink:href="{secret}"/>'),
        "image-file-url": svg(f'<image width="64" height="64" xlink:href="{uri}"/>'),
        "image-svg2-href": svg(f'<image width="64" height="64" href="{secret}"/>'),
        "image-relative-path": svg(f'<image width="64" height="64" xlink:href="private/{name}"/>'),
        "image-http-url": svg('<image width="64" height="64" xlink:href="http://example.org/a.png"/>'),
        "use-other-file": svg(f'<use xlink:href="{uri}#x"/>'),
        "feimage": svg(f'<filter id="f"><feImage xlink:href="{secret}"/></filter>'
                       '<rect width="64" height="64" filter="url(#f)"/>'),
        "css-url-attribute": svg(f'<rect width="64" height="64" style="fill: url(\'{uri}\')"/>'),
        "css-url-style-element": svg(f'<style>rect {{ fill: url({uri}); }}</style>'
                                     '<rect width="64" height="64"/>'),
        "css-escaped-url": svg(f'<rect width="64" height="64" style="fill: \\75rl({uri})"/>'),
        "css-import": svg(f'<style>@import "{uri}";</style><rect width="64" height="64"/>'),
        "xml-base": svg(f'<image width="64" height="64" xlink:href="{name}"/>',
                        attrs=f'xml:base="{secret.parent.as_uri()}/"'),
        "doctype-entity": svg('<text>&x;</text>',
                              head=f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "{uri}">]>'),
        "stylesheet-instruction": svg('<rect width="64" height="64"/>',
                                      head=f'<?xml-stylesheet href="{uri}"?>'),
        "svg-inside-a-data-uri": svg('<image width="64" height="64" xlink:href="data:image/png;base64,'
                                     + base64.b64encode(inner).decode() + '"/>'),
    }


def test_an_svg_logo_pointing_at_a_local_file_does_not_carry_it_into_the_document(secret, tmp_path):
    logo = svg(f'<rect width="64" height="64" fill="#ffffff"/>'
               f'<image x="0" y="0" width="64" height="64" xlink:href="{secret}"/>')
    plan = empty_plan(logo=logo, logo_type="image/svg+xml")
    target = tmp_path / "plan.docx"
    notes: list[str] = []
    export_plan(plan, target, today=TODAY, notes=notes)
    assert target.exists()
    raw = all_parts(target)
    assert secret.read_bytes() not in raw and b"SECRET-MARKER-7f3a" not in raw
    for name, data in media_parts(target).items():
        assert SECRET_RGB not in colours_of(data), name
    assert len(notes) == 1 and notes[0].startswith("The plan's logo was left out of the document")
    assert notes[0].endswith(".") and re.search(r"[.!?]\s", notes[0][:-1]) is None


@pytest.mark.parametrize("kind", list(hostile_logos(Path("/x/y.png"))))
def test_every_kind_of_outside_reference_is_refused(secret, kind):
    logo = hostile_logos(secret)[kind]
    placed, why = safe_picture(logo)
    assert placed is None, kind
    assert why and why.startswith("it is ")


def test_the_cli_says_the_logo_was_left_out_and_still_writes_the_document(secret, tmp_path):
    from cswb_desktop.core import planfile

    plan_path = tmp_path / "plan.cswb"
    assert cli.main(["new", str(plan_path), "--community", "Lakeview"]) == 0
    session = planfile.open_plan(plan_path)
    try:
        session.plan.update_profile(logo=hostile_logos(secret)["image-file-url"], logo_type="image/svg+xml")
        session.save()
    finally:
        session.close(discard=True)
    out = tmp_path / "plan.docx"
    result = subprocess.run([sys.executable, "-m", "cswb_desktop.cli", "export", str(plan_path), str(out)],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
                            env={**os.environ, "CSWB_DESKTOP_HOME": str(tmp_path / "home")})
    assert result.returncode == 0, result.stderr
    assert "Wrote the plan document" in result.stdout
    assert result.stderr.startswith("cswb: The plan's logo was left out of the document: it is ")
    assert result.stderr.count("\n") == 1
    assert secret.read_bytes() not in all_parts(out)


def test_a_self_contained_svg_logo_is_drawn(tmp_path):
    embedded = base64.b64encode(png_bytes(8, 8, (0, 200, 0))).decode()
    logo = svg('<rect width="32" height="64" fill="#c81e1e"/>'
               '<linearGradient id="g"><stop offset="0" stop-color="#1e1ec8"/></linearGradient>'
               '<rect x="32" width="32" height="32" style="fill: url(#g)"/>'
               f'<image x="32" y="32" width="32" height="32" xlink:href="data:image/png;base64,{embedded}"/>')
    placed, why = safe_picture(logo)
    assert why is None and placed.startswith(b"\x89PNG")
    colours = colours_of(placed)
    assert (200, 30, 30) in colours and (0, 200, 0) in colours
    plan = empty_plan(logo=logo, logo_type="image/svg+xml")
    target = tmp_path / "plan.docx"
    notes: list[str] = []
    export_plan(plan, target, today=TODAY, notes=notes)
    assert notes == []
    assert any((200, 30, 30) in colours_of(data) for data in media_parts(target).values())


def test_a_raster_logo_is_written_anew_without_what_else_it_carried(tmp_path):
    logo = png_bytes(300, 120, (10, 120, 200), text=b"GPS 46.49N 80.99W")
    placed, why = safe_picture(logo)
    assert why is None and placed.startswith(b"\x89PNG")
    assert b"GPS 46.49N" not in placed
    assert (10, 120, 200) in colours_of(placed)


def test_the_plans_logo_type_is_not_believed(tmp_path):
    # an SVG labelled as a PNG is judged as the SVG it is
    placed, why = safe_picture(hostile_logos(tmp_path / "a.png")["image-absolute-path"])
    assert placed is None and "SVG" in why


@pytest.mark.parametrize("logo, words", [
    (b"not a picture at all", "not a PNG, JPEG, GIF, BMP, TIFF, WebP or SVG picture"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "damaged"),
    (png_bytes(4, 4, (1, 2, 3))[:40], "damaged"),
    (b"GIF89a\x10\x00\x10\x00" + b"\xff" * 32, "damaged"),
    # a PNG header that claims 100,000 × 100,000 pixels: refused before anything is decoded
    (png_header_only(100_000, 100_000), "larger than 10,000 pixels"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_BYTES + 1), "larger than 10 MB"),
    (svg("<rect/>" * 30_000), "more than 20,000 elements"),
    (b"<svg><rect></svg>", "not well-formed"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>', "not an SVG picture"),
])
def test_a_bad_logo_is_left_out_with_a_sentence_and_the_export_goes_on(tmp_path, logo, words):
    placed, why = safe_picture(logo)
    assert placed is None and words in why
    plan = empty_plan(logo=logo, logo_type="image/png")
    target = tmp_path / "plan.docx"
    notes: list[str] = []
    export_plan(plan, target, today=TODAY, notes=notes)
    assert target.exists() and notes == [f"The plan's logo was left out of the document: {why}."]
