from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import audit_log
from common.db import past_the_ids
from common.decorators import npo_officer_required, secretariat_required
from common.web import page_on_this_site, posted
from common.zones import reader_time_text
from projects import selectors as project_selectors

from . import exports, rules, selectors, services
from .files import content_disposition
from .forms import (
    AttachmentForm,
    DecisionForm,
    ExtensionForm,
    NominationForm,
    NoteForm,
    ReasonForm,
    ReviewFilterForm,
    form_token,
)
from .models import Attachment, Nomination
from .review_table import review_rows

Status = Nomination.Status


def _refusal(request, error) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _npo_project(request, code):
    """A project the officer's economy participates in; 404 for any other."""
    project = project_selectors.project_get_for_viewer(user=request.user, code=code)
    if not project.participating_economies.filter(pk=request.user.economy_id).exists():
        raise Http404("Your economy does not participate in this project.")
    return project


# ------------------------------------------------------------------ NPO officer


@npo_officer_required
def economy_nominations(request, code):
    project = _npo_project(request, code)
    economy_id = request.user.economy_id
    is_open = rules.nominations_are_open(project=project, economy_id=economy_id)
    context = {
        "project": project,
        "economy": request.user.npo.economy,
        "nominations": selectors.economy_nominations(project=project, economy_id=economy_id),
        "is_open": is_open,
        "ranking_open": rules.ranking_is_open(project=project, economy_id=economy_id, is_open=is_open),
        "ranking_fixed": services.RANKING_FIXED,
        "closes_at": rules.closing_instant_for(project=project, economy_id=economy_id),
    }
    template = "nominations/_economy_table.html" if request.htmx else "nominations/economy_list.html"
    return render(request, template, context)


def _earlier_source(request):
    """The earlier nomination of the officer's economy a new one starts from (`?from=` on the page, the
    form's `from` when posted), or None; 404 for anything else (PRODUCT.md rule 8)."""
    pk = (request.POST if request.method == "POST" else request.GET).get("from", "")
    return selectors.earlier_nomination_get(user=request.user, pk=pk) if pk else None


def _form_page(request, *, project, form, nomination, may_change, source=None, query=""):
    """The nomination form, with the candidate's APO history and, for a new one, the search for a
    candidate nominated before."""
    person = nomination or source
    is_open = rules.nominations_are_open(project=project, economy_id=request.user.economy_id)
    context = {
        "form": form,
        "project": project,
        "nomination": nomination,
        "source": source,
        "query": query,
        "earlier": selectors.earlier_candidates(user=request.user, query=query, project=project),
        "candidate_history": selectors.candidate_history(
            user=request.user, email=person.email, exclude_pk=nomination.pk if nomination else None
        )
        if person
        else [],
        "required_documents": rules.required_documents(project),
        "is_open": is_open,
        "may_change": may_change(is_open),
        "closes_at": rules.closing_instant_for(project=project, economy_id=request.user.economy_id),
    }
    searching = request.htmx and "q" in request.GET  # the search box asks for its results only
    template = "nominations/form.html#earlier-candidates" if searching else "nominations/form.html"
    return render(request, template, context)


def _saved_message(nomination) -> str:
    if nomination.status == Status.SUBMITTED:
        return f"{nomination.full_name} was submitted to the APO Secretariat."
    missing = rules.missing_documents(nomination.project, nomination.attachments.values_list("kind", flat=True))
    still = f" Still to add before submitting: {rules.document_names(missing)}." if missing else ""
    return f"{nomination.full_name} was saved as a draft.{still}"


@npo_officer_required
def nomination_create(request, code):
    project = _npo_project(request, code)
    source = _earlier_source(request)
    submitting = request.method == "POST" and "submit" in request.POST
    form = NominationForm(posted(request), request.FILES or None, project=project, source=source, submitting=submitting)
    if request.method == "POST":
        # The same form posted again (a double click): the answer is the nomination it made, not an error.
        made = selectors.nomination_made_with_form(
            user=request.user, project=project, token=form_token(request.POST.get("form_token"))
        )
        if made is not None:
            messages.success(request, _saved_message(made))
            return redirect("nominations:detail", pk=made.pk)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(
                actor=request.user,
                project=project,
                data=form.cleaned_data,
                submit=submitting,
                documents=form.documents(),
                form_token=form.cleaned_data.get("form_token"),
            )
        except services.NominationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(nomination))
            return redirect("nominations:detail", pk=nomination.pk)
    return _form_page(
        request,
        project=project,
        form=form,
        nomination=None,
        source=source,
        query=request.GET.get("q", ""),
        may_change=lambda is_open: is_open,
    )


@npo_officer_required
def nomination_edit(request, pk):
    nomination = selectors.nomination_get_for_viewer(user=request.user, pk=pk)
    submitting = request.method == "POST" and "submit" in request.POST and nomination.status == Status.DRAFT
    form = NominationForm(
        posted(request), request.FILES or None, instance=nomination, project=nomination.project, submitting=submitting
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_update(
                actor=request.user,
                nomination=nomination,
                data=form.cleaned_data,
                documents=form.documents(),
                submit=submitting,
            )
        except services.NominationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(nomination) if submitting else "The nomination was saved.")
            return redirect("nominations:detail", pk=nomination.pk)
    nomination.refresh_from_db()
    return _form_page(
        request,
        project=nomination.project,
        form=form,
        nomination=nomination,
        may_change=lambda is_open: rules.npo_may_edit(request.user, nomination, is_open=is_open),
    )


@require_POST
@npo_officer_required
def nomination_move(request, pk, direction):
    nomination = selectors.nomination_get_for_viewer(user=request.user, pk=pk)
    try:
        services.nomination_move(actor=request.user, nomination=nomination, up=direction == "up")
    except services.NominationError as error:
        _refusal(request, error)
    if request.htmx:
        return economy_nominations(request, nomination.project.code)
    return redirect("nominations:economy", code=nomination.project.code)


@require_POST
@npo_officer_required
def attachment_upload(request, pk):
    nomination = selectors.nomination_get_for_viewer(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_upload(
                actor=request.user,
                nomination=nomination,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
            )
        except services.NominationError as error:
            _refusal(request, error)
        else:
            messages.success(request, f"{attachment.get_kind_display()} uploaded.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("nominations:detail", pk=nomination.pk)


# ------------------------------------------------------------------ everyone allowed to see a nomination


@login_required
def nomination_detail(request, pk):
    nomination = selectors.nomination_get_for_viewer(user=request.user, pk=pk)
    user = request.user
    is_open = rules.nominations_are_open(project=nomination.project, economy_id=nomination.economy_id)
    attachments = list(nomination.attachments.all())
    context = {
        "nomination": nomination,
        "project": nomination.project,
        "attachments": attachments,
        "missing_documents": rules.missing_documents(nomination.project, [a.kind for a in attachments]),
        "candidate_history": selectors.candidate_history(user=user, email=nomination.email, exclude_pk=nomination.pk)
        if not user.is_participant
        else [],
        "history": selectors.nomination_history(nomination, user=user) if not user.is_participant else [],
        "is_open": is_open,  # the page's buttons follow from it: {% nomination_actions %} (nominations/rules.py)
        "closes_at": rules.closing_instant_for(project=nomination.project, economy_id=nomination.economy_id),
        "decision_choices": DecisionForm.DECISIONS,
        "attachment_form": AttachmentForm(),
    }
    return render(request, "nominations/detail.html", context)


@require_POST
def nomination_action(request, pk, action):
    """Submit, withdraw, or a Secretariat decision on one nomination."""
    if not request.user.is_authenticated:
        raise Http404
    nomination = selectors.nomination_get_for_viewer(user=request.user, pk=pk)
    user = request.user
    try:
        if action == "submit" and user.is_npo_officer:
            services.nomination_submit(actor=user, nomination=nomination)
            messages.success(request, f"{nomination.full_name} was submitted to the APO Secretariat.")
        elif action == "withdraw" and (user.is_npo_officer or user.is_secretariat):
            form = (ReasonForm if user.is_secretariat else NoteForm)(request.POST)
            if not form.is_valid():
                raise services.NominationError("Give the reason for the withdrawal.")
            if request.POST.get("confirm") != "1" and _may_withdraw(user, nomination):
                # A withdrawal cannot be undone: it is asked once more, on a page that works without JavaScript.
                return render(
                    request,
                    "nominations/withdraw_confirm.html",
                    {
                        "nomination": nomination,
                        "project": nomination.project,
                        "note": form.cleaned_data["note"],
                        "next": request.POST.get("next", ""),
                        "back": _safe_next(request, nomination),
                    },
                )
            services.nomination_withdraw(actor=user, nomination=nomination, reason=form.cleaned_data["note"])
            messages.success(request, f"{nomination.full_name} was withdrawn.")
            if user.is_secretariat:
                for suggestion in selectors.promotion_suggestions(nomination.project):
                    messages.info(
                        request,
                        f"A seat is free: {suggestion.full_name} ({suggestion.economy.name}, "
                        f"rank {suggestion.priority_rank}) is next on the wait list.",
                    )
        elif action in {Status.SELECTED, Status.WAITLISTED, Status.REJECTED, Status.SUBMITTED} and user.is_secretariat:
            form = NoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.nomination_decide(actor=user, nomination=nomination, to=action, note=note)
            messages.success(request, f"{nomination.full_name}: {services.DONE[action]}.")
        else:
            raise Http404("No such action.")
    except (services.NominationError, PermissionDenied) as error:
        _refusal(request, error)
    return redirect(_safe_next(request, nomination))


def _may_withdraw(user, nomination) -> bool:
    if user.is_secretariat:
        return rules.secretariat_may_withdraw(user, nomination)
    is_open = rules.nominations_are_open(project=nomination.project, economy_id=nomination.economy_id)
    return rules.npo_may_withdraw(user, nomination, is_open=is_open)


def _safe_next(request, nomination) -> str:
    """Back to the page the action was taken on, if it is on this site; else the nomination's page."""
    return page_on_this_site(request, request.POST.get("next", "")) or nomination.get_absolute_url()


def attachment_download(request, pk, kind):
    if not request.user.is_authenticated:
        raise Http404
    nomination = selectors.nomination_get_for_viewer(user=request.user, pk=pk)
    if request.user.is_participant:
        raise Http404
    if kind not in Attachment.Kind.values:  # nor asked of the database: PostgreSQL refuses a NUL in it
        raise Http404("No such document.")
    attachment = get_object_or_404(Attachment, nomination=nomination, kind=kind)
    audit_log(
        actor=request.user,
        action="nominations.attachment.downloaded",
        target=nomination,
        economy=nomination.economy,
        changes={"kind": kind},
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        content_type={"pdf": "application/pdf"}.get(attachment.file_type, "application/octet-stream"),
    )
    response["Content-Disposition"] = content_disposition(attachment.download_name, attachment.download_name_unicode)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def nominations_export(request, code, fmt):
    if not request.user.is_authenticated or not (request.user.is_secretariat or request.user.is_npo_officer):
        raise Http404
    if request.user.is_npo_officer:
        project = _npo_project(request, code)
    else:
        project = project_selectors.project_get_for_viewer(user=request.user, code=code)
    nominations = selectors.nominations_visible_to(request.user).filter(project=project)
    nominations = nominations.order_by("economy__name", "priority_rank", "id")
    filename = f"{project.code}-nominations"
    if request.user.is_npo_officer:
        filename += f"-{request.user.npo.economy.code}"
    audit_log(
        actor=request.user,
        action="nominations.export.downloaded",
        target=project,
        changes={"format": fmt, "rows": nominations.count()},
        economy=request.user.npo.economy if request.user.is_npo_officer else None,
    )
    if fmt == "csv":
        body = exports.nominations_csv(nominations, viewer=request.user, zone=project.time_zone)
        content_type = "text/csv; charset=utf-8"
    else:
        title = f"{project.code} {project.title}"
        body = exports.nominations_xlsx(nominations, viewer=request.user, title=title, zone=project.time_zone)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# ------------------------------------------------------------------ Secretariat


@secretariat_required
def review(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    filters = ReviewFilterForm(request.GET or None)
    nominations = selectors.review_nominations(project=project, **filters.filters())
    page = Paginator(nominations, 100).get_page(request.GET.get("page"))
    context = {
        "project": project,
        "filters": filters,
        "page": page,
        "rows": review_rows(page.object_list),
        "required_documents": rules.required_documents(project),
        "decision_choices": DecisionForm.DECISIONS,
    }
    if request.htmx and request.htmx.target == "review-list":
        # The search and the filters, as they change: only the list (its bulk bar, rows and pages).
        return render(request, "nominations/review.html#review-list", context)
    summary = selectors.quota_summary(project)
    context |= {
        "summary": summary,
        "suggestions": selectors.promotion_suggestions(project, summary),
        "extensions": selectors.deadline_extensions(project),
        "existing_accounts": selectors.selected_with_existing_accounts(project),
        "announcing": selectors.announcement_progress(project),
    }
    return render(request, "nominations/review.html", context)


@secretariat_required
def announce_progress(request, code):
    """The announcement's e-mails so far: the review page asks for this every few seconds until all left."""
    project = project_selectors.project_get_for_secretariat(code=code)
    context = {"project": project, "announcing": selectors.announcement_progress(project)}
    return render(request, "nominations/review.html#announce-progress", context)


def _review_query(request) -> QueryDict:
    """The review page's query string (its filters and page) that a bulk decision came from."""
    return QueryDict(request.POST.get("query", ""))


def _review_scope(project, query: QueryDict):
    """The nominations of the review's list as `query` filters it; None if the filters are not valid."""
    filters = ReviewFilterForm(query or None)
    if query and not filters.is_valid():
        return None
    return selectors.review_scope(project=project, **filters.filters())


def _posted_ids(data) -> list[int]:
    # isdigit() alone takes "²", which int() refuses.
    return [int(pk) for pk in data.getlist("nominations") if pk.isascii() and pk.isdigit() and not past_the_ids(pk)]


def _bulk_decision(request, project, *, all_matching=False):
    """The decision form of a bulk decision, its choices the posted ids that are in the list as filtered
    (or, with `all_matching`, every nomination in that list), and the way back to that list. A form that is
    not valid, or None when the filters are not, changes nothing."""
    query = _review_query(request)
    back = f"{reverse('nominations:review', args=[project.code])}?{query.urlencode()}"
    scope = _review_scope(project, query)
    if scope is None:
        messages.error(request, "The list's filters are not valid: nothing was decided. Filter the list again.")
        return None, None, back
    data = request.POST.copy()
    if all_matching and data.get("all_matching"):
        data.setlist("nominations", [str(pk) for pk in scope.values_list("pk", flat=True)])
    in_scope = scope.filter(pk__in=_posted_ids(data)).values_list("pk", flat=True)
    form = DecisionForm(data, nomination_ids=list(in_scope))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return form, scope, back


@require_POST
@secretariat_required
def review_confirm(request, code):
    """What a bulk decision would do, with its counts, to confirm or go back: it changes nothing."""
    project = project_selectors.project_get_for_secretariat(code=code)
    form, scope, back = _bulk_decision(request, project, all_matching=True)
    if form is None or not form.is_valid():
        return redirect(back)
    decision = form.cleaned_data["decision"]
    forecast = selectors.bulk_decision_forecast(
        project=project, scope=scope, ids=form.cleaned_data["nominations"], to=decision
    )
    return render(
        request,
        "nominations/review_confirm.html",
        {
            "project": project,
            "forecast": forecast,
            "verb": DecisionForm.VERBS[decision],
            "done": services.DONE[decision],
            "decision": decision,
            "note": form.cleaned_data["note"],
            "query": _review_query(request).urlencode(),
            "back": back,
        },
    )


@require_POST
@secretariat_required
def review_decide(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    form, _, back = _bulk_decision(request, project)
    if form is not None and form.is_valid():
        decided, refused = services.nominations_decide_bulk(
            actor=request.user,
            project=project,
            nomination_ids=form.cleaned_data["nominations"],
            to=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
        if decided:
            count = len(decided)
            done = services.DONE[form.cleaned_data["decision"]].capitalize()
            messages.success(request, f"{done}: {count} nomination{'s' if count != 1 else ''}.")
        for message in refused:
            messages.error(request, message)
    return redirect(back)


@secretariat_required
def extension_grant(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    form = ExtensionForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_extension_grant(
                actor=request.user,
                project=project,
                economy=form.cleaned_data["economy"],
                closes_at=form.closes_at(),
                reason=form.cleaned_data["reason"],
            )
        except services.NominationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['economy'].name} may nominate until "
                f"{reader_time_text(form.closes_at(), project_zone=project.time_zone)}.",
            )
            return redirect("nominations:review", code=project.code)
    return render(request, "nominations/extension_form.html", {"project": project, "form": form})


@secretariat_required
def announce(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    if request.method == "POST":
        try:
            queued = services.project_announce(
                actor=request.user, project=project, base_url=request.build_absolute_uri("/")[:-1]
            )
        except services.NominationError as error:
            _refusal(request, error)
        else:
            if queued["outcomes"] or queued["invitations"]:
                messages.success(
                    request,
                    f"Results sent: {queued['outcomes']} outcome e-mail(s) to NPO officers and "
                    f"{queued['invitations']} invitation(s) to selected candidates.",
                )
            else:
                messages.info(request, "Nothing new to announce: every result was already sent.")
        return redirect("nominations:review", code=project.code)
    return render(
        request,
        "nominations/announce_confirm.html",
        {
            "project": project,
            "summary": selectors.quota_summary(project),
            "existing_accounts": selectors.selected_with_existing_accounts(project),
        },
    )
