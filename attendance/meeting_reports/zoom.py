"""The Zoom participant report: the meeting block (its topic) and the participants table, found by header name."""

import re

from .errors import FIX_HINT, ReportError
from .people import RawReport, Row, email_of
from .rows import cell_of, columns_of, find_column, header_key, header_kind, is_blank, need_column

_ZOOM_HINT = "Export it again from Zoom (Reports → Usage → Participants, “Export”) and upload that file."

_RENAMED = re.compile(r"^(?P<current>.*\S)\s*\((?P<original>[^()]*)\)$")
_YES = {"yes", "y", "true", "1", "はい", "oui", "sí", "si", "ja"}


class ZoomReader:
    what = "Zoom participant report"

    def __init__(self, rows: list[tuple[int, list[str]]]):
        self.rows = rows

    def read(self) -> RawReport:
        report = RawReport()
        rows = iter(self.rows)
        for _, cells in rows:
            kind = header_kind(cells)
            if kind == "zoom meeting":
                columns = columns_of(cells)
                for _, values in rows:
                    if not is_blank(values):
                        report.title = cell_of(values, find_column(columns, "topic"))
                        break
            elif kind in ("zoom participants", "join leave"):
                self._participants(cells, rows, report)
                break
        else:
            raise ReportError(
                f"The {self.what} has a meeting block but no participants table (the row “Name (Original Name), "
                f"User Email, Join Time, Leave Time, …”). {_ZOOM_HINT}"
            )
        return report

    def _participants(self, header: list[str], rows, report: RawReport) -> None:
        columns = columns_of(header)
        name_at = need_column(
            columns,
            "Name (Original Name)",
            self.what,
            _ZOOM_HINT,
            "name (original name)",
            "name",
            "participant",
            "participant name",
            "user name",
        )
        join_at = need_column(columns, "Join Time", self.what, _ZOOM_HINT, "join time")
        leave_at = need_column(columns, "Leave Time", self.what, _ZOOM_HINT, "leave time")
        email_at = find_column(columns, "user email", "email", "e-mail")
        waiting_at = find_column(columns, "in waiting room", "waiting room")
        for line, cells in rows:
            if is_blank(cells):
                continue
            join = cell_of(cells, join_at)
            # (A date starts with a digit: only other rows can be a header.)
            if join and not join[0].isdigit() and header_key(join) == "join time":
                continue  # a repeated header, as when two exports are pasted together
            if waiting_at is not None and cell_of(cells, waiting_at).casefold() in _YES:
                continue  # waiting to be admitted is not attending
            full_name = cell_of(cells, name_at)
            if not join:
                raise ReportError(f"Row {line} ({full_name or 'no name'}) has no join time. {FIX_HINT}")
            name, others = full_name, ()
            renamed = _RENAMED.match(full_name)
            if renamed and renamed["original"].strip():
                name, others = renamed["current"].strip(), (renamed["original"].strip(),)
            report.rows.append(
                Row(line, name, email_of(cell_of(cells, email_at)), others, join, cell_of(cells, leave_at))
            )
