"""Judging an uploaded document by its content, never by its name or the browser's word."""

import hashlib
import zipfile

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# A DOCX or XLSX is a ZIP whose members name what it is. Only the central directory is read:
# nothing is decompressed, so a ZIP bomb costs nothing here.
_OFFICE_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_MAX_ZIP_MEMBERS = 2000
# A real biodata workbook or CV expands to a few MB; a ZIP bomb claims gigabytes in its directory.
_MAX_EXPANDED_BYTES = 100 * 1024 * 1024


class UnacceptableFile(ValueError):
    pass


def sniff_document_type(uploaded) -> str:
    """'pdf', 'docx' or 'xlsx', judged by content; UnacceptableFile with a message a person can act on."""
    size = uploaded.size
    if size == 0:
        raise UnacceptableFile("The file is empty.")
    if size > MAX_ATTACHMENT_BYTES:
        raise UnacceptableFile(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB."
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                members = archive.infolist()
                names = [member.filename for member in members]
                expanded = sum(member.file_size for member in members)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise UnacceptableFile("The file looks like an Office document but is damaged.") from error
        finally:
            uploaded.seek(0)
        if expanded > _MAX_EXPANDED_BYTES or len(names) > _MAX_ZIP_MEMBERS:
            raise UnacceptableFile(
                f"This file would expand to {expanded / 1024 / 1024:,.0f} MB: it is not a genuine form. Save it again."
            )
        if "[Content_Types].xml" in names:
            for kind, marker in _OFFICE_MARKERS.items():
                if marker in names:
                    return kind
    raise UnacceptableFile("Upload a PDF, Word (.docx) or Excel (.xlsx) file.")


def sha256_of(uploaded) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def display_name(filename: str) -> str:
    """A file name safe to show: no path, no control or bidi-override characters, at most 120 characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in name if ch.isprintable() and ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )
    return (name.strip() or "document")[:120]
