"""A project's nominations as CSV and XLSX, safe to open in a spreadsheet.

Times are ISO 8601 with their offset, in the project's time zone, which the column's header names: a file
read anywhere says the same instant, and a spreadsheet sorts it (PRODUCT.md rule 13)."""

from common.spreadsheets import neutralise, table_csv, table_xlsx
from common.zones import iso_in_zone

from . import rules

__all__ = ["COLUMNS", "TIME_COLUMNS", "neutralise", "nominations_csv", "nominations_xlsx"]

COLUMNS = [
    ("Economy", lambda n: n.economy.name),
    ("NPO rank", lambda n: n.priority_rank),
    ("Status", None),  # as the reader sees it: `_status`
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
]
# Instants, written in the project's time zone.
TIME_COLUMNS = [
    ("Submitted", lambda n: n.submitted_at),
]


def _status(nomination, viewer) -> str:
    return rules.status_label_seen_by(viewer, rules.status_seen_by(viewer, nomination))


def _header(zone: str) -> list[str]:
    return [title for title, _ in COLUMNS] + [f"{title} (ISO 8601, {zone})" for title, _ in TIME_COLUMNS]


def _rows(nominations, viewer, zone: str):
    for nomination in nominations:
        yield [get(nomination) if get else _status(nomination, viewer) for _, get in COLUMNS] + [
            iso_in_zone(get(nomination), zone) for _, get in TIME_COLUMNS
        ]


def nominations_csv(nominations, *, viewer, zone: str) -> bytes:
    """`viewer`: whose view of the statuses is written; `zone`: the project's time zone, in which times are."""
    return table_csv(_header(zone), _rows(nominations, viewer, zone))


def nominations_xlsx(nominations, *, viewer, title: str, zone: str) -> bytes:
    return table_xlsx(_header(zone), _rows(nominations, viewer, zone), title=title, sheet_name="Nominations")
