"""Every write to attendance: marks from staff, reports and self check-in; eligibility overrides.

A mark is written by `mark_set` alone, which is idempotent (setting what is already there changes
nothing and records nothing) and audits every change with who, when, the old and new status and
where the mark came from."""

import datetime
import math
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac

from audit.services import audit_log
from nominations.models import Nomination
from projects.changes import project_records_changed_on_commit
from projects.models import Session

from .models import CalendarFeed, CheckIn, EligibilityOverride, Mark
from .selectors import participants_of

Status = Mark.Status
Source = Mark.Source


class AttendanceError(ValidationError):
    """A rule refused the change; the message says which."""


def _participant(session: Session, nomination: Nomination) -> None:
    if nomination.project_id != session.project_id or nomination.status != Nomination.Status.SELECTED:
        raise AttendanceError(f"{nomination.full_name} is not a participant of this project.")


@transaction.atomic
def mark_set(
    *,
    actor,
    session: Session,
    nomination: Nomination,
    status: str,
    source: str = Source.STAFF,
    minutes: int | None = None,
    report=None,
    overwrite_staff: bool = True,
    check_in=None,
) -> tuple[Mark | None, bool]:
    """Set one participant's mark for one session. Returns (mark, changed).

    A mark set by staff is kept when `overwrite_staff` is false (imports, self check-in). `check_in`: the
    self check-in that sets it (kept on the mark until something else sets it). Side effects:
    audit entry `attendance.mark.set` when something changed."""
    _participant(session, nomination)
    if status not in Status.values:
        raise AttendanceError("Choose present, late, absent or excused.")
    mark = Mark.objects.select_for_update().filter(session=session, nomination=nomination).first()
    if mark is not None:
        if mark.source == Source.STAFF and source != Source.STAFF and not overwrite_staff:
            return mark, False
        if (mark.status, mark.minutes) == (status, minutes) or (mark.status == status and source == Source.STAFF):
            return mark, False
        old = mark.status
        mark.status, mark.source, mark.minutes, mark.report = status, source, minutes, report
        mark.set_by, mark.set_at, mark.check_in = actor, timezone.now(), check_in
        mark.save()
    else:
        old = None
        try:
            with transaction.atomic():
                mark = Mark.objects.create(
                    session=session,
                    nomination=nomination,
                    status=status,
                    source=source,
                    minutes=minutes,
                    report=report,
                    set_by=actor,
                    set_at=timezone.now(),
                    check_in=check_in,
                )
        except IntegrityError:  # another request marked the same cell a moment ago: theirs stands
            return Mark.objects.get(session=session, nomination=nomination), False
    project_records_changed_on_commit(session.project_id)  # attendance is what the reports count
    audit_log(
        actor=actor,
        action="attendance.mark.set",
        target=nomination,
        economy=nomination.economy,
        changes={"session": session.pk, "status": [old, status], "source": source, "minutes": minutes},
    )
    return mark, True


@transaction.atomic
def marks_all_present(*, actor, session: Session) -> int:
    """Mark every participant who has no mark yet for the session as present; marks already set stay.
    Returns how many were marked."""
    unmarked = participants_of(session.project).exclude(marks__session=session)
    count = 0
    for nomination in unmarked:
        _, changed = mark_set(actor=actor, session=session, nomination=nomination, status=Status.PRESENT)
        count += changed
    return count


# ---------------------------------------------------------------- self check-in by QR code

# The code on the check-in screen changes every 30 seconds, and a check-in is accepted with the code on the
# screen now or the one just before it (a scan can straddle the change): a code works for at most a minute
# after it appears, and at most 30 seconds after it left the screen. A relayed code is of use only to
# someone who gets it at once; shorter still would turn away participants whose phone is slow to open the
# link or who tap a little late. What remains is said in the README: within that minute, a participant in
# the room can still pass the code to a friend outside.
CHECK_IN_PERIOD = 30  # seconds
CHECK_IN_ACCEPTED_WINDOWS = 2  # the current window and the one before
NOT_OFFERED = (
    "Self check-in is not offered for online sessions: attendance of a digital project comes from the meeting "
    "report or is marked by the Secretariat."
)
EXPIRED = "This QR code has expired. Scan the code on the screen again."


def self_check_in_offered(session: Session) -> bool:
    """Only where people are in a room: face-to-face and hybrid projects. In a digital project no screen
    is in a room, so a code would only ever be relayed."""
    return session.project.modality != session.project.Modality.DIGITAL


def check_in_window_of(at: float | None = None) -> int:
    """The number of the code's time window at `at` (seconds since 1970; now by default)."""
    return int((time.time() if at is None else at) // CHECK_IN_PERIOD)


def check_in_code(session: Session, *, at: float | None = None, window: int | None = None) -> str:
    """The code the check-in screen shows in a window: an HMAC of the session and the window's number."""
    window = check_in_window_of(at) if window is None else window
    return salted_hmac("attendance.check_in", f"{session.pk}:{CHECK_IN_PERIOD}:{window}").hexdigest()[:12]


def check_in_code_window(session: Session, code: str) -> int | None:
    """The window whose code this is, if it is accepted now (this window's or the one before), else None."""
    now = check_in_window_of()
    for window in range(now, now - CHECK_IN_ACCEPTED_WINDOWS, -1):
        if constant_time_compare(code, check_in_code(session, window=window)):
            return window
    return None


def check_in_code_is_current(session: Session, code: str) -> bool:
    return check_in_code_window(session, code) is not None


def check_in_window(session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    grace = datetime.timedelta(minutes=settings.CHECK_IN_GRACE_MINUTES)
    return session.starts_at - grace, session.ends_at + grace


def check_in_is_open(session: Session, *, now: datetime.datetime | None = None) -> bool:
    """Whether a participant may check in to `session` now: self check-in is offered, and now is inside the
    session's window (plus the grace). The rule `check_in` keeps and the participant's home shows."""
    opens, closes = check_in_window(session)
    return self_check_in_offered(session) and opens <= (now or timezone.now()) <= closes


@transaction.atomic
def check_in(*, user, session: Session, code: str, client_address: str | None = None, user_agent: str = "") -> Mark:
    """A participant marks themselves present by scanning the session's QR code.

    Refused in a digital project, for a code no longer accepted, for anyone not selected for this project,
    and outside the session's window (plus the grace). A mark the Secretariat set stays as it is. Side
    effects: a CheckIn row (the code's window, the time, the client's address and user agent) linked from
    the mark it set; the mark's audit entry."""
    if not self_check_in_offered(session):
        raise AttendanceError(NOT_OFFERED)
    window = check_in_code_window(session, code)
    if window is None:
        raise AttendanceError(EXPIRED)
    nomination = (
        Nomination.objects.filter(project_id=session.project_id, participant=user, status=Nomination.Status.SELECTED)
        .select_related("economy")
        .first()
    )
    if nomination is None:
        raise PermissionDenied("You are not a participant of this project.")
    opens, closes = check_in_window(session)
    now = timezone.now()
    if not opens <= now <= closes:
        local = timezone.localtime(opens)
        raise AttendanceError(
            f"Check-in for “{session.title}” is open from {local:%-d %B %Y, %H:%M} to "
            f"{timezone.localtime(closes):%H:%M} ({timezone.get_current_timezone_name()})."
        )
    record = CheckIn(
        session=session,
        nomination=nomination,
        user=user,
        at=now,
        code_window=window,
        window_starts_at=datetime.datetime.fromtimestamp(window * CHECK_IN_PERIOD, tz=datetime.UTC),
        client_address=client_address or None,
        user_agent=user_agent.replace("\x00", "")[: CheckIn._meta.get_field("user_agent").max_length],
        marked=False,
    )
    record.save()
    mark, changed = mark_set(
        actor=user,
        session=session,
        nomination=nomination,
        status=Status.PRESENT,
        source=Source.CHECK_IN,
        overwrite_staff=False,
        check_in=record,
    )
    if changed:
        record.marked = True
        record.save(update_fields=["marked"])
    return mark


# ---------------------------------------------------------------- the calendar feed


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new link for the user's calendar feed; the old one gives 404 from now on (attendance/ical.py).
    Side effects: audit entry `attendance.calendar_feed.renewed`."""
    feed, _ = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"key": "", "renewed_at": timezone.now()}
    )
    feed.key, feed.renewed_at = get_random_string(32), timezone.now()
    feed.save(update_fields=["key", "renewed_at"])
    user.calendar_feed = feed
    audit_log(actor=user, action="attendance.calendar_feed.renewed", target=user)
    return feed


# ---------------------------------------------------------------- eligibility


@transaction.atomic
def eligibility_override_grant(*, actor, nomination: Nomination, reason: str) -> EligibilityOverride:
    """Make a participant eligible for the certificate without full attendance. A written reason is
    required (PRODUCT.md rule 5). Side effects: audit entry `attendance.eligibility.overridden`."""
    if not actor.is_secretariat:
        raise PermissionDenied("Only the APO Secretariat overrides eligibility.")
    if nomination.status != Nomination.Status.SELECTED:
        raise AttendanceError(f"{nomination.full_name} is not a participant of this project.")
    if not reason.strip():
        raise AttendanceError("Write the reason for the override; it is kept with the certificate's record.")
    override, created = EligibilityOverride.objects.get_or_create(
        nomination=nomination, defaults={"reason": reason.strip(), "granted_by": actor}
    )
    if created:
        audit_log(
            actor=actor,
            action="attendance.eligibility.overridden",
            target=nomination,
            economy=nomination.economy,
            note=reason.strip(),
        )
    return override


@transaction.atomic
def eligibility_override_revoke(*, actor, nomination: Nomination, reason: str) -> None:
    if not actor.is_secretariat:
        raise PermissionDenied("Only the APO Secretariat overrides eligibility.")
    deleted, _ = EligibilityOverride.objects.filter(nomination=nomination).delete()
    if deleted:
        audit_log(
            actor=actor,
            action="attendance.eligibility.override_revoked",
            target=nomination,
            economy=nomination.economy,
            note=reason,
        )


def threshold_minutes(session: Session) -> float:
    """Minutes a report must show for `present`: the project's share of the session's scheduled minutes."""
    return session.duration_minutes * session.project.attendance_threshold_percent / 100


def status_for_minutes(session: Session, minutes: float) -> str:
    return Status.PRESENT if minutes + 1e-9 >= threshold_minutes(session) else Status.ABSENT


def round_minutes(minutes: float) -> int:
    return int(math.floor(minutes + 1e-9))
