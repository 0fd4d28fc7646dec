"""Rows to people (attendance/meeting_reports/people.py): names as matched, and intervals that cannot be."""

from attendance.meeting_reports import (
    normalize_name,
)

from .reading import (
    FIXTURES,
    error_of,
)


def test_normalize_name():
    assert normalize_name("  Ｍａｒｉａ\u00a0 SANTOS\u200b ") == "maria santos"
    assert normalize_name("Straße\tMüller") == "strasse müller"
    assert normalize_name("Santos,  Maria") == "santos, maria"
    assert normalize_name("") == ""


def test_leave_before_join_names_the_row():
    message = error_of((FIXTURES / "zoom_leave_before_join.csv").read_bytes())

    assert message.startswith(
        "Row 4 (Maria Santos): the leave time “08/24/2022 01:00:00 PM” is before the join time "
        "“08/24/2022 03:00:00 PM”."
    )
