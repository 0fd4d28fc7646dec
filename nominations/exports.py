"""A project's nominations as CSV and XLSX, safe to open in a spreadsheet."""

from apo_portal.spreadsheets import neutralise, table_csv, table_xlsx

from . import rules

__all__ = ["COLUMNS", "neutralise", "nominations_csv", "nominations_xlsx"]

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
    ("Submitted", lambda n: n.submitted_at.strftime("%Y-%m-%d %H:%M UTC") if n.submitted_at else ""),
]


def _status(nomination, viewer) -> str:
    return rules.status_label_seen_by(viewer, rules.status_seen_by(viewer, nomination))


def _rows(nominations, viewer):
    for nomination in nominations:
        yield [get(nomination) if get else _status(nomination, viewer) for _, get in COLUMNS]


def nominations_csv(nominations, *, viewer) -> bytes:
    return table_csv([title for title, _ in COLUMNS], _rows(nominations, viewer))


def nominations_xlsx(nominations, *, viewer, title: str) -> bytes:
    return table_xlsx(
        [title for title, _ in COLUMNS], _rows(nominations, viewer), title=title, sheet_name="Nominations"
    )
