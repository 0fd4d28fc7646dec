"""Attendance from a Zoom or Teams report: preview, then apply.

The report's people are matched to the session's participants by e-mail, then by exact normalised
name (the current and any original name); the officer assigns the rest by hand. Each participant's
minutes inside the session's scheduled window are summed over all their rows (several devices or
names merged), overlaps counted once, and compared with the project's threshold. Applying is
idempotent: the same file twice changes nothing, and a mark set by staff stays unless asked.

A report may be partial: someone missing from it becomes absent only where they have no mark yet,
unless asked. The preview lists every change of an existing mark (before → after, grouped) and who
would lose eligibility for a certificate they hold; applying such changes needs their confirmation.
Each application is an AttendanceImport recording every mark's previous value, so that it can be undone."""

import hashlib
import zoneinfo
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.email_address import normalize_email_or_none
from audit.services import audit_log
from common.zones import reader_time_text
from nominations.models import Nomination
from projects.changes import project_records_changed_on_commit
from projects.models import Session

from . import meeting_reports
from .models import AttendanceImport, AttendanceReport, ImportedMark, Mark
from .participation import ATTENDED, Participation, with_participation
from .selectors import participants_of
from .services import AttendanceError, mark_set, round_minutes, status_for_minutes, threshold_minutes

Status = Mark.Status


# What applying does to one participant's mark.
SET = "set"  # no mark yet: one is made
CHANGE = "change"  # an existing mark changes status: shown before → after, and confirmed
MINUTES = "minutes"  # an existing mark keeps its status; only its minutes are updated
UNCHANGED = "unchanged"
KEEP_STAFF = "staff"  # a mark set by staff, kept unless asked
KEEP_MISSING = "missing"  # not in the report, already marked: kept unless asked
WRITES = (SET, CHANGE, MINUTES)


@dataclass
class PreviewRow:
    nomination: Nomination
    minutes: float
    proposed: str
    current: Mark | None
    matched_by: str  # "e-mail", "name", "assigned" or "" (not in the report)
    report_names: list[str] = field(default_factory=list)
    action: str = SET
    holds_certificate: bool = False
    eligible_before: bool = False
    eligible_after: bool = False

    @property
    def loses_eligibility(self) -> bool:
        """Holds a valid certificate, and applying would make them no longer eligible for it (rule 12)."""
        return self.holds_certificate and self.eligible_before and not self.eligible_after


def _action(row: PreviewRow, *, overwrite_staff: bool, mark_missing_absent: bool) -> str:
    current = row.current
    if current is None:
        return SET
    if current.status == row.proposed and current.minutes == round_minutes(row.minutes):
        return UNCHANGED
    if not row.matched_by and not mark_missing_absent:
        return KEEP_MISSING  # a partial report is no evidence of absence where a mark says otherwise
    if current.source == Mark.Source.STAFF and not overwrite_staff:
        return KEEP_STAFF
    return MINUTES if current.status == row.proposed else CHANGE


@dataclass
class ChangeGroup:
    """Existing marks that change the same way, e.g. 20 present → absent."""

    before: str
    after: str
    names: list[str]

    @property
    def label(self) -> str:
        return f"{len(self.names)} {Status(self.before).label.lower()} → {Status(self.after).label.lower()}"


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
    overwrite_staff: bool = False
    mark_missing_absent: bool = False

    def count(self, **where) -> int:
        return sum(all(getattr(row, k) == v for k, v in where.items()) for row in self.rows)

    @property
    def changes(self) -> list[PreviewRow]:
        """The rows whose existing mark applying would change to another status."""
        return [row for row in self.rows if row.action == CHANGE]

    @property
    def change_groups(self) -> list[ChangeGroup]:
        groups: dict[tuple[str, str], ChangeGroup] = {}
        for row in self.changes:
            key = (row.current.status, row.proposed)
            groups.setdefault(key, ChangeGroup(*key, [])).names.append(row.nomination.full_name)
        return sorted(groups.values(), key=lambda g: (-len(g.names), g.before, g.after))

    @property
    def changes_digest(self) -> str:
        """What the Secretariat confirms: exactly these changes. Empty when no existing mark changes."""
        if not self.changes:
            return ""
        text = ";".join(
            f"{r.nomination.pk}:{r.current.status}:{r.current.minutes}:{r.proposed}:{round_minutes(r.minutes)}"
            for r in sorted(self.changes, key=lambda r: r.nomination.pk)
        )
        return hashlib.sha256(f"{self.session.pk}|{text}".encode()).hexdigest()[:20]

    @property
    def losing_eligibility(self) -> list[Nomination]:
        return [row.nomination for row in self.rows if row.loses_eligibility]

    def summary_lines(self, *, list_unmatched: bool = True) -> list[str]:
        """The summary the preview page and `manage.py import_attendance` both print. The page lists the
        people matched to no participant in a table of pages of its own (`list_unmatched=False`): a large
        webinar's report has thousands."""
        lines = [
            f"{self.session.project.code}, session “{self.session.title}” "
            f"({self.session.duration_minutes} minutes; present from {self.threshold:g} minutes), "
            f"{self.format} report:",
            f"  {self.count(proposed=Status.PRESENT)} present, {self.count(proposed=Status.ABSENT)} absent, "
            f"of {len(self.rows)} participants; {self.count(matched_by='')} not in the report.",
            f"  {self.count(action=SET)} new marks to set, {len(self.changes)} existing marks to change, "
            f"{self.count(action=MINUTES)} with their minutes updated, {self.count(action=UNCHANGED)} unchanged;",
            f"  kept as they are: {self.count(action=KEEP_STAFF)} set by staff, "
            f"{self.count(action=KEEP_MISSING)} not in the report who have a mark.",
        ]
        if self.changes:
            lines.append("  Existing marks to change: " + ", ".join(g.label for g in self.change_groups) + ".")
        if self.losing_eligibility:
            lines.append(
                f"  {len(self.losing_eligibility)} would no longer be eligible for the certificate they hold: "
                + ", ".join(n.full_name for n in self.losing_eligibility)
                + "."
            )
        for row in self.rows:
            if row.proposed == Status.ABSENT and row.matched_by:
                lines.append(
                    f"  absent: {row.nomination.full_name}, {round_minutes(row.minutes)} of "
                    f"{self.session.duration_minutes} minutes"
                )
        if self.unmatched and not list_unmatched:
            lines.append(f"  {len(self.unmatched):,} in the report matched no participant.")
        elif self.unmatched:
            lines.append(f"  {len(self.unmatched)} in the report matched no participant:")
            lines.extend(
                f"    [{u.key}] {u.name} {('<' + u.email + '>') if u.email else '(no e-mail)'}, "
                f"{round_minutes(u.minutes)} minutes"
                for u in self.unmatched
            )
        return lines


# A parsed report is kept in the cache for an hour, by what its reading depends on (the file's SHA-256, its
# time zone, the session's times and the parser's version): the upload reads a file once, and its preview,
# each page of it and applying it use that reading. Reading 60,000 rows takes a second or two; the cached
# reading loads in a tenth of that. A cache that is gone only means reading the file again.
PARSED_CACHE_SECONDS = 60 * 60


def parsed_report_cache_key(session: Session, sha256: str, time_zone: str) -> str:
    """Where the reading of a file for a session is cached (the benchmarks drop it to time a cold read)."""
    starts, ends = session.starts_at.timestamp(), session.ends_at.timestamp()  # instants, whatever their zone
    what = f"{meeting_reports.PARSER_VERSION}|{sha256}|{time_zone}|{starts}|{ends}"
    return "attendance:parsed-report:" + hashlib.sha256(what.encode()).hexdigest()


def parse(session: Session, data: bytes, time_zone: str) -> meeting_reports.ParsedReport:
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise AttendanceError(f"Unknown time zone “{time_zone}”.") from error
    key = parsed_report_cache_key(session, hashlib.sha256(data).hexdigest(), time_zone)
    parsed = cache.get(key)
    if parsed is not None:
        return parsed
    try:
        parsed = meeting_reports.parse_report(
            data, time_zone=zone, session_start=session.starts_at, session_end=session.ends_at
        )
    except meeting_reports.ReportError as error:
        raise AttendanceError(str(error)) from error
    cache.set(key, parsed, PARSED_CACHE_SECONDS)
    return parsed


def preview(
    session: Session,
    parsed: meeting_reports.ParsedReport,
    *,
    assignments: dict[str, int] | None = None,
    overwrite_staff: bool = False,
    mark_missing_absent: bool = False,
    lock: bool = False,
) -> Preview:
    """What applying the report would do, with the options given. `lock`: lock the session's marks (when
    applying), so that what is previewed is what is changed. Five queries, whatever the size."""
    assignments = assignments or {}
    project = session.project
    participants = list(with_participation(participants_of(project).select_related("participant"), project))
    session_total = project.sessions.count()
    # Through the reverse relation: certificates build on attendance, not the other way round.
    holders = set(
        Nomination.objects.filter(
            pk__in=[n.pk for n in participants], certificates__revoked_at__isnull=True
        ).values_list("pk", flat=True)
    )
    by_email, by_name, ambiguous = {}, {}, set()
    for nomination in participants:
        by_email[nomination.email] = nomination
        if nomination.participant_id:
            by_email.setdefault(nomination.participant.email, nomination)
        key = meeting_reports.normalize_name(nomination.full_name)
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
        email = normalize_email_or_none(attendee.email) if attendee.email else None
        if email in by_email:
            nomination, matched_by = by_email[email], "e-mail"
        else:
            for name in (attendee.name, *attendee.other_names):
                normal = meeting_reports.normalize_name(name)
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
                    meeting_reports.minutes_within(attendee.intervals, session.starts_at, session.ends_at),
                )
            )
            continue
        intervals.setdefault(nomination.pk, []).extend(attendee.intervals)
        how.setdefault(nomination.pk, matched_by)
        names.setdefault(nomination.pk, []).append(attendee.name)
    marks = Mark.objects.filter(session=session, nomination__in=[n.pk for n in participants])
    current = {m.nomination_id: m for m in (marks.select_for_update() if lock else marks)}
    rows = []
    for nomination in participants:
        minutes = meeting_reports.minutes_within(intervals.get(nomination.pk, []), session.starts_at, session.ends_at)
        row = PreviewRow(
            nomination=nomination,
            minutes=minutes,
            proposed=status_for_minutes(session, minutes),
            current=current.get(nomination.pk),
            matched_by=how.get(nomination.pk, ""),
            report_names=names.get(nomination.pk, []),
            holds_certificate=nomination.pk in holders,
        )
        row.action = _action(row, overwrite_staff=overwrite_staff, mark_missing_absent=mark_missing_absent)
        attended = nomination.attended
        if row.action in WRITES:
            attended += (row.proposed in ATTENDED) - (row.current is not None and row.current.status in ATTENDED)
        row.eligible_before = Participation(
            nomination, nomination.attended, session_total, nomination.has_override
        ).eligible
        row.eligible_after = Participation(nomination, attended, session_total, nomination.has_override).eligible
        rows.append(row)
    # Those longest in the session first: the likeliest to be participants under another name or address.
    unmatched.sort(key=lambda u: (-u.minutes, meeting_reports.normalize_name(u.name), int(u.key)))
    return Preview(
        session=session,
        format=parsed.format,
        rows=rows,
        unmatched=unmatched,
        threshold=threshold_minutes(session),
        overwrite_staff=overwrite_staff,
        mark_missing_absent=mark_missing_absent,
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


def report_read(report: AttendanceReport) -> meeting_reports.ParsedReport:
    """The stored file, read (from the cache when this file was read lately for the same session times)."""
    parsed = cache.get(parsed_report_cache_key(report.session, report.sha256, report.time_zone))
    if parsed is not None:
        return parsed
    with report.file.open("rb") as stored:
        return parse(report.session, stored.read(), report.time_zone)


class ConfirmationNeeded(AttendanceError):
    """Applying would change existing marks that the Secretariat has not confirmed (or that changed since)."""

    def __init__(self, result: Preview):
        self.preview = result
        super().__init__(
            f"This import changes {len(result.changes)} existing mark(s): "
            + ", ".join(g.label for g in result.change_groups)
            + ". Confirm to apply it."
        )


@transaction.atomic
def report_apply(
    *,
    actor,
    report: AttendanceReport,
    assignments: dict[str, int] | None = None,
    overwrite_staff: bool = False,
    mark_missing_absent: bool = False,
    confirmed: str = "",
) -> AttendanceImport:
    """Set the marks a report shows. When existing marks change, `confirmed` must be the preview's
    `changes_digest`, the changes the Secretariat saw and confirmed; else ConfirmationNeeded, and nothing
    changes. Side effects: marks (each audited), an AttendanceImport with each mark's previous value
    (so that it can be undone), the report's summary, and audit entry `attendance.report.applied`."""
    report = AttendanceReport.objects.select_for_update().select_related("session__project").get(pk=report.pk)
    result = preview(
        report.session,
        report_read(report),
        assignments=assignments,
        overwrite_staff=overwrite_staff,
        mark_missing_absent=mark_missing_absent,
        lock=True,
    )
    if result.changes and confirmed != result.changes_digest:
        raise ConfirmationNeeded(result)
    applied = AttendanceImport.objects.create(report=report, applied_by=actor, applied_at=timezone.now())
    recorded = []
    for row in result.rows:
        if row.action not in WRITES:
            continue
        mark, did = mark_set(
            actor=actor,
            session=report.session,
            nomination=row.nomination,
            status=row.proposed,
            source=Mark.Source.REPORT,
            minutes=round_minutes(row.minutes),
            report=report,
            overwrite_staff=overwrite_staff,
        )
        if did:
            before = row.current
            recorded.append(
                ImportedMark(
                    attendance_import=applied,
                    nomination=row.nomination,
                    status=mark.status,
                    set_at=mark.set_at,
                    previous_status=before.status if before else "",
                    previous_source=before.source if before else "",
                    previous_minutes=before.minutes if before else None,
                    previous_report_id=before.report_id if before else None,
                    previous_set_by_id=before.set_by_id if before else None,
                    previous_set_at=before.set_at if before else None,
                    previous_check_in_id=before.check_in_id if before else None,
                )
            )
    ImportedMark.objects.bulk_create(recorded)
    summary = {
        "changed": len(recorded),
        "kept_staff": result.count(action=KEEP_STAFF),
        "kept_missing": result.count(action=KEEP_MISSING),
        "unmatched": len(result.unmatched),
        "present": result.count(proposed=Status.PRESENT),
        "absent": result.count(proposed=Status.ABSENT),
        "existing_changed": {g.label: g.names for g in result.change_groups},
        "lost_eligibility": [n.full_name for n in result.losing_eligibility],
        "mark_missing_absent": mark_missing_absent,
        "overwrite_staff": overwrite_staff,
    }
    applied.summary = summary
    applied.save(update_fields=["summary"])
    report.applied_at, report.summary = applied.applied_at, summary
    report.save(update_fields=["applied_at", "summary"])
    audit_log(
        actor=actor,
        action="attendance.report.applied",
        target=report.session.project,
        changes=summary,
        note=f"{report.format} report {report.original_name} for “{report.session.title}” (import {applied.pk})",
    )
    return applied


@dataclass
class UndoRow:
    imported: ImportedMark
    mark: Mark | None

    @property
    def restorable(self) -> bool:
        """The mark is still as the import left it: no later change touched it."""
        return self.mark is not None and self.mark.set_at == self.imported.set_at


def import_undo_plan(attendance_import: AttendanceImport, *, lock: bool = False) -> list[UndoRow]:
    """Each mark the import set, with the mark as it is now. Two queries."""
    imported = list(
        attendance_import.marks.select_related("nomination__economy").order_by("nomination__full_name", "pk")
    )
    marks = Mark.objects.filter(
        session_id=attendance_import.report.session_id, nomination__in=[row.nomination_id for row in imported]
    )
    current = {m.nomination_id: m for m in (marks.select_for_update() if lock else marks)}
    return [UndoRow(row, current.get(row.nomination_id)) for row in imported]


class ImportUndoError(AttendanceError):
    pass


@transaction.atomic
def attendance_import_undo(*, actor, attendance_import: AttendanceImport) -> dict[str, list[str]]:
    """Return every mark the import set to what it was before (a mark it created is deleted), except a
    mark changed again since, which stays as it is. Returns the names restored and kept. Side effects:
    audit entries `attendance.mark.restored` for each mark and `attendance.import.undone`."""
    attendance_import = (
        AttendanceImport.objects.select_for_update()
        .select_related("report__session__project")
        .get(pk=attendance_import.pk)
    )
    if attendance_import.undone_at:
        raise ImportUndoError(f"This import was undone already, on {reader_time_text(attendance_import.undone_at)}.")
    session = attendance_import.report.session
    restored, kept = [], []
    for row in import_undo_plan(attendance_import, lock=True):
        nomination = row.imported.nomination
        if not row.restorable:
            kept.append(nomination.full_name)
            continue
        mark, before = row.mark, row.imported
        project_records_changed_on_commit(session.project_id)
        if not before.previous_status:
            mark.delete()
        else:
            mark.status, mark.source, mark.minutes = (
                before.previous_status,
                before.previous_source,
                before.previous_minutes,
            )
            mark.report_id, mark.set_by_id, mark.set_at, mark.check_in_id = (
                before.previous_report_id,
                before.previous_set_by_id,
                before.previous_set_at,
                before.previous_check_in_id,
            )
            mark.save()
        restored.append(nomination.full_name)
        audit_log(
            actor=actor,
            action="attendance.mark.restored",
            target=nomination,
            economy=nomination.economy,
            changes={
                "session": session.pk,
                "status": [before.status, before.previous_status or None],
                "import": attendance_import.pk,
            },
        )
    attendance_import.undone_at, attendance_import.undone_by = timezone.now(), actor
    attendance_import.save(update_fields=["undone_at", "undone_by"])
    audit_log(
        actor=actor,
        action="attendance.import.undone",
        target=session.project,
        changes={"import": attendance_import.pk, "restored": restored, "kept_changed_since": kept},
        note=f"Undid the import of {attendance_import.report.original_name} for “{session.title}”",
    )
    return {"restored": restored, "kept": kept}
