"""Tables as CSV and XLSX files that are safe to open in a spreadsheet (no formula runs from a cell)."""

import csv
import io

from openpyxl import Workbook

# A cell that starts with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet shows as text: a leading quote stops a formula from running."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8 names right


def table_xlsx(header: list[str], rows, *, title: str, sheet_name: str = "Data") -> bytes:
    """`title` is written in the first row (any text); `sheet_name` names the tab (no : / ? * [ ])."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
