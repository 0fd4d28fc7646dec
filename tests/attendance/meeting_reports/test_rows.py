"""Bytes to rows (attendance/meeting_reports/rows.py): files that are not a report one can read, and why."""

from attendance.meeting_reports import (
    MAX_REPORT_BYTES,
    ReportError,
)

from .reading import (
    FIXTURES,
    error_of,
)


def test_empty_file():
    assert error_of(b"") == "The file is empty."
    assert error_of(b"\xef\xbb\xbf\r\n  \r\n") == "The file is empty."


def test_file_over_the_limit():
    message = error_of(b"a" * (MAX_REPORT_BYTES + 1))

    assert message.startswith("The file is 5,242,881 bytes (5.0 MB); the limit is 5,242,880 bytes (5 MB).")


def test_file_in_another_encoding():
    message = error_of((FIXTURES / "zoom_windows1252.csv").read_bytes())

    assert message == (
        "The file could not be read as text: save it as CSV (UTF-8) or as Teams exports it, and upload it again."
    )


def test_excel_workbook_instead_of_csv():
    message = error_of(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa4\xd3\xff\xfe binary")

    assert message.startswith("The file could not be read as text: save it as CSV (UTF-8) or as Teams exports it")
    assert message.endswith("It looks like an Excel workbook, not a CSV file.")


def test_csv_that_is_neither_format():
    message = error_of((FIXTURES / "not_a_report.csv").read_bytes())

    assert message.startswith("This is not a Zoom participant report or a Teams attendance report: ")
    assert "Join Time" in message


def test_errors_are_value_errors():
    assert issubclass(ReportError, ValueError)
