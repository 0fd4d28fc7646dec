"""Attendance from a Zoom or Teams report: preview, then apply.

The report's people are matched to the session's participants by e-mail, then by exact normalised
name (the current and any original name); the officer assigns the rest by hand. Each participant's
minutes inside the session's scheduled window are summed over all their rows (several devices or
names merged), overlaps counted once, and compared with the project's threshold. Applying is
idempotent: the same file twice changes nothing, and a mark set by staff stays unless asked."""

import hashlib
import zoneinfo
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import audit_log
from nominations.models import Nomination
from projects.models import Session

from . import reports
from .models import AttendanceReport, Mark
from .selectors import participants_of
from .services import AttendanceError, mark_set, round_minutes, status_for_minutes, threshold_minutes

Status = Mark.Status


@dataclass
class PreviewRow:
    nomination: Nomination
    minutes: float
    proposed: str
    current: Mark | None
    matched_by: str  # "e-mail", "name", "assigned" or "" (not in the report)
    report_names: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        """'set', 'unchanged' or 'keep' (a staff mark that an import does not overwrite unless asked)."""
        if self.current is None:
            return "set"
        if self.current.status == self.proposed and self.current.minutes == round_minutes(self.minutes):
            return "unchanged"
        return "staff" if self.current.source == Mark.Source.STAFF else "set"


@dataclass
class UnmatchedRow:
    key: str
    name: str
    email: str
    minutes: float


@dataclass
class Preview:
    session: Session
    format: str
    rows: list[PreviewRow]
    unmatched: list[UnmatchedRow]
    threshold: float

    def count(self, **where) -> int:
        return sum(all(getattr(row, k) == v for k, v in where.items()) for row in self.rows)

    def summary_lines(self, *, overwrite_staff: bool = False) -> list[str]:
        """The summary the upload page and `manage.py import_attendance` both print."""
        staff_changes = [r for r in self.rows if r.action == "staff"]
        lines = [
            f"{self.session.project.code}, session “{self.session.title}” "
            f"({self.session.duration_minutes} minutes; present from {self.threshold:g} minutes), "
            f"{self.format} report:",
            f"  {self.count(proposed=Status.PRESENT)} present, {self.count(proposed=Status.ABSENT)} absent, "
            f"of {len(self.rows)} participants; {self.count(matched_by='')} not in the report.",
            f"  {sum(r.action == 'set' for r in self.rows)} marks to set, {self.count(action='unchanged')} unchanged, "
            f"{len(staff_changes)} set by staff {'to overwrite' if overwrite_staff else 'kept as they are'}.",
        ]
        for row in self.rows:
            if row.proposed == Status.ABSENT and row.matched_by:
                lines.append(
                    f"  absent: {row.nomination.full_name}, {round_minutes(row.minutes)} of "
                    f"{self.session.duration_minutes} minutes"
                )
        if self.unmatched:
            lines.append(f"  {len(self.unmatched)} in the report matched no participant:")
            lines.extend(
                f"    [{u.key}] {u.name} {('<' + u.email + '>') if u.email else '(no e-mail)'}, "
                f"{round_minutes(u.minutes)} minutes"
                for u in self.unmatched
            )
        return lines


def parse(session: Session, data: bytes, time_zone: str) -> reports.ParsedReport:
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise AttendanceError(f"Unknown time zone “{time_zone}”.") from error
    try:
        return reports.parse_report(data, time_zone=zone, session_start=session.starts_at, session_end=session.ends_at)
    except reports.ReportError as error:
        raise AttendanceError(str(error)) from error


def preview(session: Session, parsed: reports.ParsedReport, *, assignments: dict[str, int] | None = None) -> Preview:
    assignments = assignments or {}
    participants = list(participants_of(session.project).select_related("participant"))
    by_email, by_name, ambiguous = {}, {}, set()
    for nomination in participants:
        by_email[nomination.email.lower()] = nomination
        if nomination.participant_id:
            by_email.setdefault(nomination.participant.email.lower(), nomination)
        key = reports.normalize_name(nomination.full_name)
        if key in by_name:
            ambiguous.add(key)  # two participants of one name: only e-mail or the officer can tell them apart
        by_name[key] = nomination
    by_pk = {n.pk: n for n in participants}
    intervals: dict[int, list] = {}
    how: dict[int, str] = {}
    names: dict[int, list[str]] = {}
    unmatched = []
    for index, attendee in enumerate(parsed.attendees):
        key = str(index)
        nomination, matched_by = None, ""
        if attendee.email and attendee.email.lower() in by_email:
            nomination, matched_by = by_email[attendee.email.lower()], "e-mail"
        else:
            for name in (attendee.name, *attendee.other_names):
                normal = reports.normalize_name(name)
                if normal in by_name and normal not in ambiguous:
                    nomination, matched_by = by_name[normal], "name"
                    break
        if nomination is None and assignments.get(key) in by_pk:
            nomination, matched_by = by_pk[assignments[key]], "assigned"
        if nomination is None:
            unmatched.append(
                UnmatchedRow(
                    key,
                    attendee.name,
                    attendee.email,
                    reports.minutes_within(attendee.intervals, session.starts_at, session.ends_at),
                )
            )
            continue
        intervals.setdefault(nomination.pk, []).extend(attendee.intervals)
        how.setdefault(nomination.pk, matched_by)
        names.setdefault(nomination.pk, []).append(attendee.name)
    current = {m.nomination_id: m for m in Mark.objects.filter(session=session, nomination__in=participants)}
    rows = []
    for nomination in participants:
        minutes = reports.minutes_within(intervals.get(nomination.pk, []), session.starts_at, session.ends_at)
        rows.append(
            PreviewRow(
                nomination=nomination,
                minutes=minutes,
                proposed=status_for_minutes(session, minutes),
                current=current.get(nomination.pk),
                matched_by=how.get(nomination.pk, ""),
                report_names=names.get(nomination.pk, []),
            )
        )
    return Preview(
        session=session, format=parsed.format, rows=rows, unmatched=unmatched, threshold=threshold_minutes(session)
    )


@transaction.atomic
def report_upload(*, actor, session: Session, data: bytes, filename: str, time_zone: str) -> AttendanceReport:
    """Keep the original file and check that it reads; nothing is marked until it is applied."""
    parsed = parse(session, data, time_zone)
    report = AttendanceReport(
        session=session,
        original_name=filename.replace("\\", "/").rsplit("/", 1)[-1][:120] or "report",
        sha256=hashlib.sha256(data).hexdigest(),
        format=parsed.format,
        time_zone=time_zone,
        uploaded_by=actor,
    )
    report.file.save("report", ContentFile(data), save=False)
    report.save()
    return report


def report_read(report: AttendanceReport) -> reports.ParsedReport:
    with report.file.open("rb") as stored:
        return parse(report.session, stored.read(), report.time_zone)


@transaction.atomic
def report_apply(
    *, actor, report: AttendanceReport, assignments: dict[str, int] | None = None, overwrite_staff: bool = False
) -> dict:
    """Set the marks a report shows. Side effects: marks (each audited), the report's summary, and
    audit entry `attendance.report.applied`."""
    report = AttendanceReport.objects.select_for_update().select_related("session__project").get(pk=report.pk)
    result = preview(report.session, report_read(report), assignments=assignments)
    changed = kept = 0
    for row in result.rows:
        _, did = mark_set(
            actor=actor,
            session=report.session,
            nomination=row.nomination,
            status=row.proposed,
            source=Mark.Source.REPORT,
            minutes=round_minutes(row.minutes),
            report=report,
            overwrite_staff=overwrite_staff,
        )
        changed += did
        kept += row.action == "staff" and not overwrite_staff
    summary = {
        "changed": changed,
        "kept_staff": kept,
        "unmatched": len(result.unmatched),
        "present": result.count(proposed=Status.PRESENT),
        "absent": result.count(proposed=Status.ABSENT),
    }
    report.applied_at, report.summary = timezone.now(), summary
    report.save(update_fields=["applied_at", "summary"])
    audit_log(
        actor=actor,
        action="attendance.report.applied",
        target=report.session.project,
        changes=summary,
        note=f"{report.format} report {report.original_name} for “{report.session.title}”",
    )
    return summary
