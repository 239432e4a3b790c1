"""Pictures that come from a plan file (the title page's logo), made safe for a Word document.

A plan file is untrusted, and so is every picture in it. Qt's SVG renderer follows an
``<image xlink:href="/some/file.png">`` to the local disk, so an SVG logo could copy any picture
on this computer into the document that goes to council. Here:

- the format is decided by the picture's first bytes, never by the plan's ``logo_type`` or by
  Qt's own guess, and only PNG, JPEG, GIF, BMP, TIFF, WebP and SVG are taken;
- an SVG is taken only when it is self-contained: no DOCTYPE or entities, no processing
  instructions, no ``href`` (``<image>``, ``<use>``, ``<feImage>``, ``<a>``…) or ``xml:base``
  other than a ``#fragment`` of the same picture or, on ``<image>``, a ``data:`` PNG, JPEG or GIF,
  and no CSS ``url()`` other than ``url(#fragment)`` or ``@import``;
- size is limited (bytes, pixels on a side, elements), the picture is decoded completely, and
  what goes into the document is the decoded pixels written anew (so nothing else the file
  carried travels with it).

A picture that fails any of this is left out with a sentence saying why; it never stops the export.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.parsers.expat

MAX_BYTES = 10 * 1024 * 1024  # a logo is kilobytes; ten megabytes is already a photograph
MAX_SIDE = 10_000  # pixels on a side of a raster picture, before scaling
MAX_PIXELS = 40_000_000
MAX_SVG_ELEMENTS = 20_000
OUTPUT_SIDE = 1200  # the longest side in the document: 5 cm at 600 dpi

RASTER_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
DATA_URI_FORMATS = {"png", "jpeg", "gif"}
FORMATS_TEXT = "a PNG, JPEG, GIF, BMP, TIFF, WebP or SVG picture"

XML_BASE = "http://www.w3.org/XML/1998/namespace base"
SVG_NS = "http://www.w3.org/2000/svg"
_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_DATA_URI = re.compile(r"data:image/[a-z0-9.+-]+(;[a-z0-9=.+-]+)*;base64,([a-z0-9+/=\s]*)\Z",
                       re.IGNORECASE)


class UnsafePicture(Exception):
    """Why a picture is left out, as the words that follow "it is" in a sentence."""


def raster_format(data: bytes) -> str | None:
    """The raster format the first bytes announce, or None."""
    for magic, name in RASTER_MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<svg" in data[:65536]


# --- SVG: self-contained or nothing --------------------------------------------------------------

def _local_part(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _check_data_uri(value: str) -> None:
    match = _DATA_URI.match(value.strip())
    if match is None:
        raise UnsafePicture("an SVG picture that embeds something other than a PNG, JPEG or GIF image")
    try:
        payload = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True)
    except (binascii.Error, ValueError):
        raise UnsafePicture("an SVG picture with a damaged embedded image") from None
    if raster_format(payload) not in DATA_URI_FORMATS:
        raise UnsafePicture("an SVG picture that embeds something other than a PNG, JPEG or GIF image")


def _check_css(text: str) -> None:
    if "@import" in text.lower() or "\\" in text:
        raise UnsafePicture("an SVG picture whose style refers to something outside the picture")
    for match in _URL.finditer(text):
        if not match.group(2).strip().startswith("#"):
            raise UnsafePicture("an SVG picture whose style refers to a file or web address")
    if re.search(r"url\s*\(", text, re.IGNORECASE) and not _URL.search(text):
        raise UnsafePicture("an SVG picture whose style refers to something outside the picture")


def check_self_contained_svg(data: bytes) -> None:
    """Raise UnsafePicture unless the SVG refers to nothing outside itself."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[str] = []
    elements = 0

    def refuse(reason: str):
        def handler(*_args):
            raise UnsafePicture(reason)
        return handler

    def start(name: str, attributes: dict) -> None:
        nonlocal elements
        elements += 1
        if elements > MAX_SVG_ELEMENTS:
            raise UnsafePicture(f"an SVG picture of more than {MAX_SVG_ELEMENTS:,} elements")
        if not stack and name not in (f"{SVG_NS} svg", "svg"):
            raise UnsafePicture("not an SVG picture")
        local = _local_part(name)
        for key, value in attributes.items():
            if key == XML_BASE:
                raise UnsafePicture("an SVG picture that refers to a file or web address (xml:base)")
            if _local_part(key) == "href":
                target = value.strip()
                if target.startswith("#"):
                    continue
                if local == "image" and target[:5].lower() == "data:":
                    _check_data_uri(target)
                    continue
                raise UnsafePicture(f"an SVG picture whose <{local}> refers to a file or web address")
            lowered = value.lower()
            if "url" in lowered or "@import" in lowered or "\\" in value:  # CSS reads \75rl( as url(
                _check_css(value)
        stack.append(local)

    def end(_name: str) -> None:
        stack.pop()

    def text(content: str) -> None:
        if stack and stack[-1] == "style":
            _check_css(content)

    parser.StartDoctypeDeclHandler = refuse("an SVG picture with a DOCTYPE (entities may refer to files)")
    parser.EntityDeclHandler = refuse("an SVG picture that declares entities")
    parser.ExternalEntityRefHandler = refuse("an SVG picture that refers to an external entity")
    parser.ProcessingInstructionHandler = refuse("an SVG picture with a processing instruction "
                                                 "(such as a style sheet link)")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    # style text is checked piece by piece, so a url( split across pieces must not slip through
    parser.buffer_text = True
    parser.buffer_size = max(len(data), 1024)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        raise UnsafePicture("an SVG picture that is not well-formed XML") from None


# --- decoding ------------------------------------------------------------------------------------

def _fit(width: int, height: int, side: int) -> tuple[int, int]:
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _raster_size(data: bytes, fmt: str) -> tuple[int, int] | None:
    """Width and height from the picture's header alone (nothing decoded), where python-docx
    reads that format; None where it does not (WebP: Qt's reader is asked instead)."""
    if fmt == "webp":
        return None
    from docx.image.image import Image

    try:
        header = Image.from_blob(data)
        return int(header.px_width), int(header.px_height)
    except Exception:
        raise UnsafePicture("damaged or not the picture its first bytes announce") from None


def _check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise UnsafePicture("damaged or not the picture its first bytes announce")
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise UnsafePicture(f"larger than {MAX_SIDE:,} pixels on a side")


def _decode(data: bytes, fmt: str):
    """The picture decoded by Qt with the format forced (no guessing), scaled to OUTPUT_SIDE."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QImageReader

    from ..charts import ensure_painting_application

    ensure_painting_application()
    raw = QByteArray(data)
    buffer = QBuffer(raw)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, fmt.encode())
    reader.setAutoDetectImageFormat(False)
    reader.setDecideFormatFromContent(False)
    size = reader.size()
    if fmt == "svg":
        width, height = (size.width(), size.height()) if size.isValid() and not size.isEmpty() else (1, 1)
        reader.setScaledSize(QSize(*_fit(width, height, OUTPUT_SIDE)))
    else:
        header = _raster_size(data, fmt)
        if header is not None:
            _check_size(*header)
        if not size.isValid() or size.isEmpty():
            raise UnsafePicture("damaged or not the picture its first bytes announce")
        _check_size(size.width(), size.height())
        if max(size.width(), size.height()) > OUTPUT_SIDE:
            reader.setScaledSize(QSize(*_fit(size.width(), size.height(), OUTPUT_SIDE)))
    image = reader.read()
    buffer.close()
    if image.isNull():
        raise UnsafePicture("damaged or not the picture its first bytes announce")
    return image


def _encode(image, fmt: str) -> bytes:
    """Only the pixels, drawn onto a new image: the text chunks, comments and colour profile the
    file carried stay behind."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter

    clean = QImage(image.size(), QImage.Format.Format_ARGB32)
    clean.fill(Qt.GlobalColor.white if fmt == "JPEG" else Qt.GlobalColor.transparent)
    painter = QPainter(clean)
    painter.drawImage(0, 0, image)
    painter.end()
    image = clean.convertToFormat(QImage.Format.Format_RGB32) if fmt == "JPEG" else clean
    out = QByteArray()
    buffer = QBuffer(out)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt, 90 if fmt == "JPEG" else -1):
        raise UnsafePicture("a picture that could not be written anew")
    buffer.close()
    return bytes(out.data())


def safe_picture(data: object) -> tuple[bytes | None, str | None]:
    """(PNG or JPEG bytes to place, None) for a sound picture, or (None, why it was left out: the
    end of a sentence such as "it is larger than 10 MB")."""
    if not isinstance(data, (bytes, bytearray, memoryview)) or not bytes(data):
        return None, f"it is not {FORMATS_TEXT}"
    data = bytes(data)
    if len(data) > MAX_BYTES:
        return None, f"it is larger than {MAX_BYTES // (1024 * 1024)} MB"
    try:
        fmt = raster_format(data)
        if fmt is None:
            if not looks_like_svg(data):
                return None, f"it is not {FORMATS_TEXT}"
            check_self_contained_svg(data)
            fmt = "svg"
        image = _decode(data, fmt)
        return _encode(image, "JPEG" if fmt == "jpeg" else "PNG"), None
    except UnsafePicture as exc:
        return None, f"it is {exc}"
    except Exception:  # whatever else a hostile picture does to a decoder, the export goes on
        return None, "it is a picture that could not be read"
