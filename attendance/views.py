from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from common import qr
from common.client import client_ip as client_address  # behind trusted proxies, the client's own address
from common.decorators import participant_required, secretariat_required
from common.web import posted
from nominations.models import Nomination
from projects import selectors as project_selectors
from projects.models import Session

from . import ical, imports, selectors, services
from .forms import ReasonForm, ReportUploadForm
from .grid import cell_ids, cell_value, mark_answer, participation_table, register_grid
from .models import AttendanceImport, AttendanceReport, Mark
from .participation import ATTENDED

MARK_KEYS = {"p": Mark.Status.PRESENT, "l": Mark.Status.LATE, "a": Mark.Status.ABSENT, "e": Mark.Status.EXCUSED}
# A click on a cell moves its mark one step along this cycle.
MARK_CYCLE = [Mark.Status.PRESENT, Mark.Status.LATE, Mark.Status.ABSENT, Mark.Status.EXCUSED]
NEXT_STATUS = {None: MARK_CYCLE[0]} | {
    status: MARK_CYCLE[(i + 1) % len(MARK_CYCLE)] for i, status in enumerate(MARK_CYCLE)
}


# ------------------------------------------------------------------ the Secretariat's register


@secretariat_required
def register(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    return render(request, "attendance/register.html", {"project": project, **register_grid(project)})


@require_POST
@secretariat_required
def mark_cell(request, code):
    """One cell of the register: set a status (or the next one, for a plain click); returns the cell."""
    project = project_selectors.project_get_for_secretariat(code=code)
    # The cell's button posts `cell` as "<nomination>-<session>" (attendance/grid.py), and `status` only
    # when a key chose one.
    ids = cell_ids(request.POST.get("cell", ""))
    if ids is None:
        raise Http404("No such cell in this register.")
    session = selectors.session_for_secretariat(project=project, session_id=ids[1])
    nomination = get_object_or_404(selectors.participants_of(project), pk=ids[0])
    status = request.POST.get("status", "next")
    if status == "next":
        current = Mark.objects.filter(session=session, nomination=nomination).values_list("status", flat=True).first()
        status = NEXT_STATUS[current]
    status = MARK_KEYS.get(status, status)
    try:
        mark, _ = services.mark_set(actor=request.user, session=session, nomination=nomination, status=status)
    except services.AttendanceError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if not request.htmx:  # the form submitted without JavaScript: the register again, at the cell
        anchor = "#cell-" + cell_value(nomination.pk, session.pk)
        return redirect(reverse("attendance:register", args=[code]) + anchor)
    # The register's own macros (jinja2/attendance/register_rows.jinja): the cell as the page draws it, and the
    # row's last cell.
    answer = mark_answer(project=project, nomination=nomination, session=session, mark=mark)
    return render(request, "attendance/mark_answer.jinja", answer)


@require_POST
@secretariat_required
def all_present(request, code, session_id):
    project = project_selectors.project_get_for_secretariat(code=code)
    session = selectors.session_for_secretariat(project=project, session_id=session_id)
    count = services.marks_all_present(actor=request.user, session=session)
    messages.success(
        request,
        f"“{session.title}”: {count} participant{'s' if count != 1 else ''} marked present; "
        "marks already set were kept.",
    )
    return redirect("attendance:register", code=code)


@secretariat_required
def override(request, code, pk):
    project = project_selectors.project_get_for_secretariat(code=code)
    nomination = get_object_or_404(selectors.participants_of(project), pk=pk)
    form = ReasonForm(posted(request))
    # From the certificates page's flag of a holder no longer eligible: back there once decided.
    back_to_certificates = request.GET.get("back") == "certificates"
    confirming_revoke = (
        request.method == "POST" and form.is_valid() and "revoke" in request.POST and request.POST.get("confirm") != "1"
    )
    if request.method == "POST" and form.is_valid() and not confirming_revoke:
        try:
            if "revoke" in request.POST:
                services.eligibility_override_revoke(
                    actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"{nomination.full_name}'s override was revoked.")
            else:
                services.eligibility_override_grant(
                    actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"{nomination.full_name} is eligible for the certificate by override.")
        except services.AttendanceError as error:
            form.add_error(None, error)
        else:
            if back_to_certificates:
                return redirect("certificates:manage", code=code)
            return redirect("attendance:register", code=code)
    return render(
        request,
        "attendance/override.html",
        {
            "project": project,
            "nomination": nomination,
            "form": form,
            "existing": getattr(nomination, "eligibility_override", None),
            "back_to_certificates": back_to_certificates,
            # Revoking asks once more, the reason kept in the form: the holder may lose their eligibility.
            "confirming_revoke": confirming_revoke,
        },
    )


# ------------------------------------------------------------------ importing a meeting report


@secretariat_required
def report_upload(request, code, session_id):
    project = project_selectors.project_get_for_secretariat(code=code)
    session = selectors.session_for_secretariat(project=project, session_id=session_id)
    form = ReportUploadForm(posted(request), request.FILES or None, initial={"time_zone": project.time_zone})
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            report = imports.report_upload(
                actor=request.user,
                session=session,
                data=uploaded.read(),
                filename=uploaded.name,
                time_zone=form.cleaned_data["time_zone"],
            )
        except services.AttendanceError as error:
            form.add_error("file", error)
        else:
            return redirect("attendance:report", code=code, pk=report.pk)
    earlier = AttendanceImport.objects.filter(report__session=session).select_related("report", "applied_by")
    return render(
        request,
        "attendance/report_upload.html",
        {"project": project, "session": session, "form": form, "imports": earlier},
    )


PREVIEW_PARTICIPANTS_PER_PAGE = 100
PREVIEW_UNMATCHED_PER_PAGE = 25  # each with a choice of every participant


def _assignments(request) -> dict[str, int]:
    return {
        key.removeprefix("assign-"): int(value)
        for key, value in request.POST.items()
        if key.startswith("assign-") and value.isascii() and value.isdigit()
    }


@secretariat_required
def report_preview(request, code, pk):
    project = project_selectors.project_get_for_secretariat(code=code)
    report = get_object_or_404(
        AttendanceReport.objects.select_related("session__project"), pk=pk, session__project=project
    )
    assignments = _assignments(request)
    options = {
        "overwrite_staff": request.POST.get("overwrite_staff") == "on",
        "mark_missing_absent": request.POST.get("mark_missing_absent") == "on",
    }
    confirming = False
    if request.method == "POST" and "apply" in request.POST and "confirm" not in request.POST:
        # Every import is confirmed once, with what it sets in view (one that changes existing marks, with those
        # changes and their digest): the confirming form always sends `confirm`, empty when nothing changes.
        confirming = True
    elif request.method == "POST" and "apply" in request.POST:
        try:
            applied = imports.report_apply(
                actor=request.user,
                report=report,
                assignments=assignments,
                confirmed=request.POST.get("confirm", ""),
                **options,
            )
        except imports.ConfirmationNeeded:
            confirming = True  # the page again, asking to confirm the changes it lists
        except services.AttendanceError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("attendance:register", code=code)
        else:
            summary = applied.summary
            messages.success(
                request,
                f"Attendance imported for “{report.session.title}”: {summary['changed']} mark(s) changed, "
                f"{summary['present']} present, {summary['absent']} absent"
                f"{', ' + str(summary['kept_staff']) + ' staff mark(s) kept' if summary['kept_staff'] else ''}.",
            )
            return redirect("attendance:import", code=code, pk=applied.pk)
    try:
        preview = imports.preview(report.session, imports.report_read(report), assignments=assignments, **options)
    except services.AttendanceError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("attendance:register", code=code)
    # A summary, then the participants and the people matched to no one a page at a time: a webinar's report
    # of 10,000 rows made 15.5 MB of HTML, each unmatched person with a choice of every participant.
    # The pages' buttons submit the page's form, so the options and the people assigned so far go along.
    chosen = {**request.GET.dict(), **request.POST.dict()}
    return render(
        request,
        "attendance/report_preview.html",
        {
            "project": project,
            "report": report,
            "session": report.session,
            "preview": preview,
            "summary": preview.summary_lines(list_unmatched=False),
            "confirming": confirming,
            "preview_sets": preview.count(action=imports.SET),
            "assignments": assignments,
            "participants": [row.nomination for row in preview.rows],
            "rows_page": Paginator(preview.rows, PREVIEW_PARTICIPANTS_PER_PAGE).get_page(chosen.get("page")),
            "unmatched_page": Paginator(preview.unmatched, PREVIEW_UNMATCHED_PER_PAGE).get_page(
                chosen.get("unmatched_page")
            ),
            "imports": report.imports.select_related("applied_by"),
        },
    )


def _import_for_secretariat(project, pk) -> AttendanceImport:
    return get_object_or_404(
        AttendanceImport.objects.select_related("report__session__project", "applied_by", "undone_by"),
        pk=pk,
        report__session__project=project,
    )


def _import_page(request, project, attendance_import, *, undoing: bool):
    rows = imports.import_undo_plan(attendance_import)
    return render(
        request,
        "attendance/import.html",
        {
            "project": project,
            "attendance_import": attendance_import,
            "session": attendance_import.report.session,
            "rows": rows,
            "undoing": undoing,
            "restorable": sum(row.restorable for row in rows),
        },
    )


@secretariat_required
def import_detail(request, code, pk):
    """What an import changed, each mark before → after and as it is now; and the way to undo it."""
    project = project_selectors.project_get_for_secretariat(code=code)
    return _import_page(request, project, _import_for_secretariat(project, pk), undoing=False)


@secretariat_required
def import_undo(request, code, pk):
    """GET: what undoing would restore, and a button to confirm. POST: undo."""
    project = project_selectors.project_get_for_secretariat(code=code)
    attendance_import = _import_for_secretariat(project, pk)
    if request.method == "POST":
        try:
            result = imports.attendance_import_undo(actor=request.user, attendance_import=attendance_import)
        except services.AttendanceError as error:
            messages.error(request, " ".join(error.messages))
        else:
            kept = result["kept"]
            messages.success(
                request,
                f"Import undone: {len(result['restored'])} mark(s) returned to what they were"
                + (f"; {len(kept)} changed since the import and kept as they are: {', '.join(kept)}." if kept else "."),
            )
        return redirect("attendance:import", code=code, pk=attendance_import.pk)
    return _import_page(request, project, attendance_import, undoing=True)


# ------------------------------------------------------------------ self check-in by QR code


@secretariat_required
def check_in_screen(request, code, session_id):
    project = project_selectors.project_get_for_secretariat(code=code)
    session = selectors.session_for_secretariat(project=project, session_id=session_id)
    context = {"project": project, "session": session, "offered": services.self_check_in_offered(session)}
    if context["offered"]:
        url = request.build_absolute_uri(
            reverse("attendance:check_in", args=[session.pk, services.check_in_code(session)])
        )
        context |= {
            "qr_svg": qr.svg(url),
            "url": url,
            "period": services.CHECK_IN_PERIOD,
            "window": services.check_in_window(session),
            "checked_in": Mark.objects.filter(session=session, status__in=ATTENDED).count(),
            "participant_count": selectors.participants_of(project).count(),
        }
    template = "attendance/_check_in_code.html" if request.htmx else "attendance/check_in_screen.html"
    return render(request, template, context)


@require_GET
@login_required
def check_in_enter(request, session_id):
    """The code typed from the room's screen (the participant's home offers it while check-in is open): on
    to the page the QR code leads to, which checks the code and the window as for a scan."""
    code = "".join(ch for ch in request.GET.get("code", "").lower() if ch.isalnum())[:32]
    if not code:
        messages.error(request, "Type the code shown under the QR code on the room's screen.")
        return redirect("home")
    return redirect("attendance:check_in", session_id=session_id, code=code)


@login_required
def check_in(request, session_id, code):
    """Where a participant's phone lands after scanning: one button to check in."""
    session = get_object_or_404(Session.objects.select_related("project"), pk=session_id)
    is_participant = (
        request.user.is_participant and selectors.participants_visible_to(request.user, session.project).exists()
    )
    if not (request.user.is_secretariat or is_participant):
        raise Http404("You are not a participant of this project.")  # nor may you learn what the session is
    error, mark = None, None
    if not services.self_check_in_offered(session):
        error = services.NOT_OFFERED
    elif request.method == "POST":
        try:
            mark = services.check_in(
                user=request.user,
                session=session,
                code=code,
                client_address=client_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except (services.AttendanceError, PermissionDenied) as refusal:
            error = " ".join(getattr(refusal, "messages", [str(refusal)]))
    elif not services.check_in_code_is_current(session, code):
        error = services.EXPIRED
    return render(
        request,
        "attendance/check_in.html",
        {"session": session, "error": error, "mark": mark, "code": code},
        status=400 if error and request.method == "POST" else 200,
    )


# ------------------------------------------------------------------ NPO officers and participants


@login_required
def participants_page(request, code):
    """Participation per participant: the NPO sees their economy's, a participant their own."""
    project = project_selectors.project_get_for_viewer(user=request.user, code=code)
    participants = selectors.participants_visible_to(request.user, project)
    user = request.user
    if user.is_participant and not participants.exists():
        raise Http404("You are not a participant of this project.")
    selection_state = ""
    if user.is_npo_officer and not participants.exists():
        # A project the economy takes no part in has nothing of theirs: 404, as its nominations page is. One it
        # takes part in keeps its page (the project page links to it), saying why no one is listed yet.
        if not project.participating_economies.filter(pk=user.economy_id).exists():
            raise Http404("Your economy does not participate in this project.")
        selection_state = selectors.economy_selection_state(project, user.economy_id)
    certificates = selectors.certificates_shown_to(user, project)
    context = {
        "project": project,
        "any_certificate": bool(certificates.downloadable),
        "revoked_certificates": certificates.revoked,
        "selection_state": selection_state,
    }
    table = participation_table(project, participants, certificates.downloadable)
    return render(request, "attendance/participants.html", {**context, **table})


@participant_required
def my_project(request, code):
    project = project_selectors.project_get_for_viewer(user=request.user, code=code)
    nomination = get_object_or_404(selectors.participants_visible_to(request.user, project))
    grid = selectors.register(project, selectors.participants_visible_to(request.user, project))
    feed = request.build_absolute_uri(reverse("attendance:calendar_feed", args=[ical.feed_token(request.user)]))
    certificates = selectors.certificates_shown_to(request.user, project)
    return render(
        request,
        "attendance/my_project.html",
        {
            "project": project,
            "nomination": nomination,
            "row": grid["rows"][0],
            "sessions": grid["sessions"],
            "marks": grid["marks"],
            "feed_url": feed,
            "certificate": certificates.downloadable.get(nomination.pk),
            "revoked_certificates": certificates.revoked,
            "started": any(session.starts_at <= timezone.now() for session in grid["sessions"]),
        },
    )


@participant_required
def my_calendar(request, code):
    project = project_selectors.project_get_for_viewer(user=request.user, code=code)
    get_object_or_404(selectors.participants_visible_to(request.user, project))
    return ical.response(
        ical.sessions_calendar(Session.objects.filter(project=project).select_related("project")),
        filename=f"{project.code}.ics",
    )


@cache_control(no_store=True, private=True)  # a participant's sessions, public by its link (PrivateAnswersMiddleware)
def calendar_feed(request, token):
    """A participant's sessions as a feed a calendar app can subscribe to, by an unguessable signed link
    that changes with their password or when they ask for a new one (attendance/ical.py)."""
    carried = ical.feed_user_id(token)
    if carried is None:
        raise Http404("No such calendar feed.")
    user_id, digest = carried
    user = get_object_or_404(
        User.objects.select_related("calendar_feed"), pk=user_id, is_active=True, role=User.Role.PARTICIPANT
    )
    if not ical.feed_token_matches(user, digest):
        raise Http404("This calendar link was replaced; the participant's page shows the new one.")
    sessions = (
        Session.objects.filter(
            project__nominations__participant=user, project__nominations__status=Nomination.Status.SELECTED
        )
        .select_related("project")
        .distinct()
    )
    return ical.response(ical.sessions_calendar(sessions), filename="apo-sessions.ics")


@require_POST
@participant_required
def calendar_feed_renew(request, code):
    """A new link for the participant's calendar feed: the old one, if it leaked, stops working."""
    project = project_selectors.project_get_for_viewer(user=request.user, code=code)
    get_object_or_404(selectors.participants_visible_to(request.user, project))
    services.calendar_feed_renew(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new link. The old link no longer works: subscribe again in your calendar app "
        "with the new one below.",
    )
    return redirect("attendance:my_project", code=project.code)
