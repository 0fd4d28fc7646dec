"""The text of a notification as the Secretariat has it: pasted, or a file (plain text, PDF or DOCX).

Read with pypdf and python-docx; nothing is executed and nothing is kept. A PDF that is a scan (pages of
images, no text) has nothing to read, and says so: the Secretariat then pastes the text instead.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pypdf
from docx.table import Table
from docx.text.paragraph import Paragraph

# A notification is a few pages; anything much larger is not one.
MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 40


class NotificationFileError(ValueError):
    """A file whose text cannot be read, with a sentence the Secretariat can act on."""


def text_of_file(name: str, data: bytes) -> str:
    """The text of a notification file, by its extension: .txt, .pdf or .docx."""
    if len(data) > MAX_BYTES:
        raise NotificationFileError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB: is it a notification?")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in ("txt", "text"):
        return _text(data)
    if extension == "pdf":
        return _pdf(name, data)
    if extension == "docx":
        return _docx(name, data)
    raise NotificationFileError(f"{name}: choose a PDF, a Word document (.docx) or a text file, or paste the text.")


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _pdf(name: str, data: bytes) -> str:
    if not data.startswith(b"%PDF"):
        raise NotificationFileError(f"{name} is not a PDF.")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise NotificationFileError(f"{name} is protected by a password: paste its text instead.")
        if len(reader.pages) > MAX_PAGES:
            raise NotificationFileError(f"{name} has {len(reader.pages)} pages: a notification has a few.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except pypdf.errors.PyPdfError as error:
        raise NotificationFileError(f"{name} could not be read as a PDF ({error}).") from error
    text = "\f".join(pages)
    if not text.strip():
        raise NotificationFileError(f"{name} holds no text (a scan?): paste the notification's text instead.")
    return text


def _docx(name: str, data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise NotificationFileError(f"{name} could not be read as a Word document.") from error
    lines = []
    # Paragraphs and tables in the order they stand; a table's row (a label and its value) on one line.
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                lines.append(" ".join(dict.fromkeys(cell for cell in cells if cell)))
                lines.append("")
    return "\n".join(lines)
