"""A project's nominations as CSV and XLSX, safe to open in a spreadsheet."""

from apo_portal.spreadsheets import neutralise, table_csv, table_xlsx

__all__ = ["COLUMNS", "neutralise", "nominations_csv", "nominations_xlsx"]

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


def _rows(nominations):
    for nomination in nominations:
        yield [get(nomination) for _, get in COLUMNS]


def nominations_csv(nominations) -> bytes:
    return table_csv([title for title, _ in COLUMNS], _rows(nominations))


def nominations_xlsx(nominations, *, title: str) -> bytes:
    return table_xlsx([title for title, _ in COLUMNS], _rows(nominations), title=title, sheet_name="Nominations")
