"""PDFs as the tests read them, with libraries from PyPI only, so that they run on any machine: the text
(pypdf), the page sizes and fonts (pypdf), and the QR codes on a page drawn as an image (pypdfium2, then
zxing-cpp). Each takes the PDF's bytes."""

import io

import pypdf
import pypdfium2
import zxingcpp


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
