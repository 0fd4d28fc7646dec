"""PDFs as the tests read them, with libraries from PyPI only, so that they run on any machine: the text
(pypdf), the page sizes and fonts (pypdf, and fontTools for the embedded font files), and the QR codes on a
page drawn as an image (pypdfium2, then zxing-cpp). Each takes the PDF's bytes."""

import dataclasses
import functools
import io
import pathlib

import pypdf
import pypdfium2
import zxingcpp
from django.conf import settings
from fontTools.ttLib import TTFont


def pdf_text(data: bytes) -> str:
    """Every page's text, white space folded to single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, rounded to two places."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [(round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) for page in reader.pages]


def pdf_fonts(data: bytes) -> set[str]:
    """The base names of the fonts the pages use, without their subset prefix (ABCDEF+NotoSerif → NotoSerif)."""
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for font in fonts.get_object().values():
            name = str(font.get_object().get("/BaseFont", ""))
            names.add(name.lstrip("/").split("+", 1)[-1])
    return names


def pdf_qr_codes(data: bytes, *, page: int = 0, dpi: int = 200) -> list[str]:
    """The text of every QR code on a page, read from the page drawn at `dpi`."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    return [
        barcode.text for barcode in zxingcpp.read_barcodes(image) if barcode.format == zxingcpp.BarcodeFormat.QRCode
    ]


@dataclasses.dataclass(frozen=True)
class EmbeddedFont:
    name: str  # the PDF's base name without its subset prefix: "PDF-Noto-Serif-Bold"
    fingerprint: tuple  # font_fingerprint() of the embedded (subset) font file
    notdef: bool  # WeasyPrint drew the .notdef glyph (a box) for a character that no font had


def font_fingerprint(font: TTFont) -> tuple:
    """What subsetting keeps of a font file and tells one build of a font from another: its family and style
    names, and the creation date and revision in its head table (a Debian package's Noto Serif differs
    from npm's in both)."""
    return (font["name"].getDebugName(1), font["name"].getDebugName(2), font["head"].created, font["head"].fontRevision)


def pdf_embedded_fonts(data: bytes) -> list[EmbeddedFont]:
    """Every font embedded in the pages. WeasyPrint encodes a font's glyphs with Identity-H unless it drew
    .notdef for a missing character: then it writes its own CMap that sends those codes to glyph 0."""
    fonts = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page.get("/Resources", {}).get_object().get("/Font", {}).get_object().values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            file = (descriptor.get("/FontFile2") or descriptor.get("/FontFile3")).get_object().get_data()
            embedded = TTFont(io.BytesIO(file))
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            fonts[str(font["/BaseFont"])] = EmbeddedFont(
                name=name,
                fingerprint=font_fingerprint(embedded),
                notdef=font.get("/Encoding") != "/Identity-H",
            )
    return list(fonts.values())


@functools.cache
def shipped_fonts() -> dict[tuple, frozenset[str]]:
    """Every font the portal ships for its PDFs (scripts/build-pdf-fonts.js), by fingerprint, with the
    characters its files map to a glyph (a font's subsets share its fingerprint): what the whole font covers,
    where an embedded subset keeps only the glyphs drawn, shaped forms rather than letters."""
    folder = pathlib.Path(settings.BASE_DIR) / "build" / "static" / "fonts"
    fonts = {}
    for path in sorted(folder.glob("*/*.woff")):
        font = TTFont(path, lazy=True)
        characters = fonts.setdefault(font_fingerprint(font), set())
        characters.update(chr(code) for code in font.getBestCmap())
    return {fingerprint: frozenset(characters) for fingerprint, characters in fonts.items()}
