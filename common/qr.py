"""QR codes: the check-in screen's code as inline SVG (attendance), a certificate's verification link as a PNG."""

import base64
import io

import segno
import zxingcpp
from PIL import Image, ImageOps

# The certificate's colours, as the page prints them: the APO blue on white.
_PALETTE = [0x0B, 0x3D, 0x6E, 0xFF, 0xFF, 0xFF]
_TO_PALETTE = bytes([0] * 128 + [1] * 128)  # zxing-cpp's pixels are 0 (dark) or 255 (light)


def svg(url: str, *, scale: int = 8) -> str:
    """The URL as an inline SVG QR code (error correction M: readable from a projector across a room)."""
    # A fixed mask: scoring all eight costs ~3 ms per certificate and every mask scans (tests decode it).
    return segno.make(url, error="m", mask=0).svg_inline(scale=scale, dark="#0b3d6e", light="#ffffff", border=2)


def png_data_uri(url: str) -> str:
    """The URL as a QR code for a PDF (error correction M): a data: URL of a PNG with one pixel per
    module and two modules of margin, which the page scales up (with `image-rendering: pixelated`, so each module
    prints as a sharp square). WeasyPrint draws an inline SVG code by parsing its path again on every page,
    about a sixth of a certificate's time (bench/RESULTS.md); the PNG is a few hundred bytes and placed as it is.

    zxing-cpp encodes it, in C++: segno took 1.2 ms of a certificate's 33 in a batch, this 0.4 (bench/RESULTS.md).
    Its symbol for a verification link is also smaller (version 3 where segno made 4), so the modules print
    larger in the same 25 mm."""
    symbol = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False
    )
    height, width = memoryview(symbol).shape
    image = Image.frombytes("P", (width, height), bytes(symbol).translate(_TO_PALETTE))
    image.putpalette(_PALETTE)
    # In RGB, as WeasyPrint would otherwise convert a palette image and encode it again on every page.
    image = ImageOps.expand(image, border=2, fill=1).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
