"""QR codes as inline SVG: the check-in screen's code (attendance) and a certificate's verification link."""

import segno


def svg(url: str, *, scale: int = 8) -> str:
    """The URL as an inline SVG QR code (error correction M: readable from a projector across a room)."""
    # A fixed mask: scoring all eight costs ~3 ms per certificate and every mask scans (tests decode it).
    return segno.make(url, error="m", mask=0).svg_inline(scale=scale, dark="#0b3d6e", light="#ffffff", border=2)
