"""The Teams attendance report: its sections (summary, participants, in-meeting activities) and the older
layout of one row per join or leave."""

import re

from .errors import FIX_HINT, ReportError
from .people import Event, RawReport, Row, email_of
from .rows import SECTION_TITLE, cell_of, columns_of, find_column, header_key, header_kind, is_blank, need_column

_TEAMS_HINT = "Download the attendance report again from Teams and upload that file as it is."

_TEAMS_TAG = re.compile(r"^(?P<name>.*\S)\s*\((?:guest|external|unverified|unverified external)\)$", re.I)


def _teams_names(name: str) -> tuple[str, ...]:
    """ "Maria Santos (Guest)" is also known as "Maria Santos"."""
    tagged = _TEAMS_TAG.match(name)
    return (tagged["name"],) if tagged else ()


class TeamsReader:
    what = "Teams attendance report"

    def __init__(self, rows: list[tuple[int, list[str]]]):
        self.rows = rows

    def read(self) -> RawReport:
        report = RawReport()
        section = ""
        table = None  # (kind, columns) of the table being read
        expect_header = False
        for line, cells in self.rows:
            if is_blank(cells):
                continue
            first = cells[0].replace("\ufeff", "")
            if len([c for c in cells if c.strip()]) == 1 and SECTION_TITLE.match(first):
                section = SECTION_TITLE.match(first)[1].casefold()
                table, expect_header = None, section != "summary"
                continue
            kind = header_kind(cells)
            if kind is not None or expect_header:
                if kind == "teams actions":
                    pass
                elif section == "participants":
                    kind = "teams participants"
                elif section.endswith("activities") or kind in (None, "zoom participants", "zoom meeting"):
                    kind = "join leave"
                table = (kind, self._table(kind, cells))
                expect_header = False
                continue
            if table is None:
                if header_key(first) in ("meeting title", "title", "meeting name") and len(cells) > 1:
                    report.title = cells[1].strip()
                continue
            self._row(table, line, cells, report)
        return report

    def _table(self, kind: str, header: list[str]) -> dict[str, int | None]:
        columns = columns_of(header)
        if kind == "teams actions":
            return {
                "name": need_column(columns, "Full Name", self.what, _TEAMS_HINT, "full name", "name"),
                "action": need_column(columns, "User Action", self.what, _TEAMS_HINT, "user action"),
                "time": need_column(columns, "Timestamp", self.what, _TEAMS_HINT, "timestamp"),
            }
        table = {
            "name": need_column(columns, "Name", self.what, _TEAMS_HINT, "name", "full name", "participant"),
            "email": find_column(columns, "email", "e-mail", "user email"),
            "upn": find_column(columns, "participant id (upn)", "upn"),
        }
        if kind == "teams participants":
            table["join"] = need_column(columns, "First Join", self.what, _TEAMS_HINT, "first join", "join time")
            table["leave"] = need_column(columns, "Last Leave", self.what, _TEAMS_HINT, "last leave", "leave time")
        else:
            table["join"] = need_column(columns, "Join Time", self.what, _TEAMS_HINT, "join time")
            table["leave"] = need_column(columns, "Leave Time", self.what, _TEAMS_HINT, "leave time")
        return table

    def _row(self, table, line: int, cells: list[str], report: RawReport) -> None:
        kind, at = table
        name = cell_of(cells, at["name"])
        if kind == "teams actions":
            action = cell_of(cells, at["action"]).casefold()
            if action.startswith("join"):
                joined = True
            elif action.startswith(("left", "leave")):
                joined = False
            else:
                raise ReportError(
                    f"Row {line} ({name}): the user action “{cell_of(cells, at['action'])}” is neither Joined nor "
                    f"Left. {FIX_HINT}"
                )
            timestamp = cell_of(cells, at["time"])
            if not timestamp:
                raise ReportError(f"Row {line} ({name}) has no timestamp. {FIX_HINT}")
            report.events.append(Event(line, name, joined, timestamp))
            return
        email = email_of(cell_of(cells, at["email"]))
        if not email:
            upn = email_of(cell_of(cells, at["upn"]))
            if "@" in upn and "#ext#" not in upn:
                email = upn
        fallback = kind == "teams participants"
        row = Row(
            line,
            name,
            email,
            _teams_names(name),
            cell_of(cells, at["join"]),
            cell_of(cells, at["leave"]),
            "first join" if fallback else "join time",
            "last leave" if fallback else "leave time",
        )
        if not row.join:
            raise ReportError(f"Row {line} ({name or 'no name'}) has no {row.join_label}. {FIX_HINT}")
        (report.fallback if fallback else report.rows).append(row)
