"""QR codes: the check-in screen's code as inline SVG (attendance), a certificate's verification link as a PNG."""

import segno


def svg(url: str, *, scale: int = 8) -> str:
    """The URL as an inline SVG QR code (error correction M: readable from a projector across a room)."""
    # A fixed mask: scoring all eight costs ~3 ms per certificate and every mask scans (tests decode it).
    return segno.make(url, error="m", mask=0).svg_inline(scale=scale, dark="#0b3d6e", light="#ffffff", border=2)


def png_data_uri(url: str) -> str:
    """The URL as a QR code for a PDF: a data: URL of a PNG with one pixel per module, which the page scales
    up (with `image-rendering: pixelated`, so each module prints as a sharp square). WeasyPrint draws an inline
    SVG code by parsing its path again on every page, about a sixth of a certificate's time (bench/RESULTS.md);
    the PNG is a few hundred bytes and placed as it is."""
    return segno.make(url, error="m", mask=0).png_data_uri(scale=1, dark="#0b3d6e", light="#ffffff", border=2)
