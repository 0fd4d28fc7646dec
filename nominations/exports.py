"""A project's nominations as CSV and XLSX, safe to open in a spreadsheet."""

import csv
import io

from openpyxl import Workbook

COLUMNS = [
    ("Economy", lambda n: n.economy.name),
    ("NPO rank", lambda n: n.priority_rank),
    ("Status", lambda n: n.get_status_display()),
    ("Name (as on certificate)", lambda n: n.full_name),
    ("Gender", lambda n: n.get_gender_display()),
    ("E-mail", lambda n: n.email),
    ("Designation", lambda n: n.designation),
    ("Organization", lambda n: n.organization),
    ("Organization type", lambda n: n.get_organization_type_display()),
    ("Overseas or local", lambda n: "Overseas" if n.is_overseas else "Local"),
    ("English", lambda n: n.get_english_proficiency_display()),
    ("Education", lambda n: n.education),
    ("Experience", lambda n: n.experience),
    ("Expectations", lambda n: n.expectations),
    ("Submitted", lambda n: n.submitted_at.strftime("%Y-%m-%d %H:%M UTC") if n.submitted_at else ""),
]
# A cell that starts with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet shows as text: a leading quote stops a formula from running."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _rows(nominations):
    for nomination in nominations:
        yield [neutralise(get(nomination)) for _, get in COLUMNS]


def nominations_csv(nominations) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for title, _ in COLUMNS])
    writer.writerows(_rows(nominations))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8 names right


def nominations_xlsx(nominations, *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nominations")
    sheet.append([title])
    header = [title for title, _ in COLUMNS]
    sheet.append(header)
    for row in _rows(nominations):
        # Strings are written as strings (never as formulas) by openpyxl only when they do not start
        # with "="; neutralise() has already made sure of that.
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
