"""Bytes to rows: the file decoded, split into cells under the delimiter its header appears with, its format
(Zoom or Teams) told from the header rows; and the helpers that find a table's columns by header name."""

import csv
import io
import re

from .errors import ReportError

# The bounds of one report, so that reading it stays well inside a web worker's timeout: 5 MB and 100,000 rows
# (parsed in about 2 s; a real participant report of one meeting of 1,000 people, each joining a dozen times,
# has some 12,000). A file above either is refused with a message, and nothing is imported.
MAX_REPORT_BYTES = 5 * 1024 * 1024
MAX_REPORT_ROWS = 100_000


def decode(data: bytes) -> str:
    size = len(data)
    if size == 0:
        raise ReportError("The file is empty.")
    if size > MAX_REPORT_BYTES:
        raise ReportError(
            f"The file is {size:,} bytes ({size / 1024 / 1024:.1f} MB); the limit is {MAX_REPORT_BYTES:,} bytes "
            f"({MAX_REPORT_BYTES // 1024 // 1024} MB). Upload the participant or attendance report as exported, "
            "not a workbook with other sheets or pictures."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data[:4000] and len(data) % 2 == 0 and not data.startswith(b"PK\x03\x04"):
        # UTF-16 that lost its BOM: the zero bytes of ASCII characters tell the byte order.
        head = data[:4000]
        encoding = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    else:
        encoding = "utf-8"
    message = "The file could not be read as text: save it as CSV (UTF-8) or as Teams exports it, and upload it again."
    if data.startswith(b"PK\x03\x04"):
        message += " It looks like an Excel workbook, not a CSV file."
    unreadable = ReportError(message)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise unreadable from error
    if "\x00" in text:
        raise unreadable
    return text.lstrip("\ufeff")


SECTION_TITLE = re.compile(r"^\s*(?:\d+\s*[.)]\s*)?(summary|participants|in-meeting activities|activities)\s*$", re.I)


def header_key(cell: str) -> str:
    """A header cell as compared: case-folded, white space collapsed, BOM and quotes dropped."""
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').casefold().split())


def header_kind(cells: list[str]) -> str | None:
    """What table a header row starts, or None for a data row."""
    keys = {header_key(cell) for cell in cells if cell.strip()}
    if len(keys) < 2:
        return None
    if "meeting id" in keys and ("topic" in keys or "start time" in keys):
        return "zoom meeting"
    if "user action" in keys and keys & {"full name", "name", "timestamp"}:
        return "teams actions"
    if keys & {"first join", "last leave", "in-meeting duration"} and keys & {"name", "full name"}:
        return "teams participants"
    if keys & {"name (original name)", "user email", "duration (minutes)"}:
        return "zoom participants"
    if keys & {"join time", "leave time"} and keys & {"name", "full name", "participant", "participant name"}:
        return "join leave"  # Zoom or Teams' activities, by the file's other rows
    return None


def rows_and_format(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """Split the text into (row number, cells), with the delimiter under which a known header appears."""
    head = "\n".join(text.splitlines()[:200])
    delimiters = ["\t", ",", ";"] if "\t" in head else [",", ";", "\t"]
    for delimiter in delimiters:
        fmt = _format_of(_csv_rows(head, delimiter))
        if fmt:
            return _csv_rows(text, delimiter), fmt
    raise ReportError(
        "This is not a Zoom participant report or a Teams attendance report: no row has the columns of either "
        "(Zoom: “Name (Original Name)”, “User Email”, “Join Time”, “Leave Time”; Teams: “Name”, “Join Time”, "
        "“Leave Time” or “First Join”, “Last Leave”). Upload the participant report as Zoom exports it (Reports → "
        "Usage → Participants) or the attendance report as Teams downloads it."
    )


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 0
    try:
        for cells in reader:
            if len(rows) >= MAX_REPORT_ROWS:
                raise ReportError(
                    f"The file has more than {MAX_REPORT_ROWS:,} rows; the limit is {MAX_REPORT_ROWS:,} rows "
                    f"(and {MAX_REPORT_BYTES // 1024 // 1024} MB). Nothing was imported. Upload the participant "
                    "report of this session's meeting alone, as Zoom or Teams exports it."
                )
            rows.append((line + 1, cells))
            line = reader.line_num
    except csv.Error as error:
        raise ReportError(
            f"Row {line + 1} of the file could not be read as CSV ({error}). Save the report as CSV (UTF-8) or "
            "as Teams exports it, and upload it again."
        ) from error
    return rows


def _format_of(rows: list[tuple[int, list[str]]]) -> str | None:
    join_leave = False
    for _, cells in rows:
        if len(cells) == 1 and SECTION_TITLE.match(cells[0].replace("\ufeff", "")):
            return "teams"
        kind = header_kind(cells)
        if kind is None:
            continue
        if kind.startswith("teams"):
            return "teams"
        if kind.startswith("zoom"):
            return "zoom"
        join_leave = True
        if {"role", "email"} & {header_key(c) for c in cells} and "user email" not in {header_key(c) for c in cells}:
            return "teams"
    return "zoom" if join_leave else None


def columns_of(cells: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        columns.setdefault(header_key(cell), index)
    return columns


def find_column(columns: dict[str, int], *names: str) -> int | None:
    for name in names:
        if name in columns:
            return columns[name]
    return None


def need_column(columns: dict[str, int], label: str, what: str, hint: str, *names: str) -> int:
    index = find_column(columns, *names)
    if index is None:
        raise ReportError(f"The {what} has no “{label}” column. {hint}")
    return index


def cell_of(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def is_blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()
