import segno


def svg(url: str, *, scale: int = 8) -> str:
    """The URL as an inline SVG QR code (error correction M: readable from a projector across a room)."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#0b3d6e", light="#ffffff", border=2)
