import copy

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from common import generations
from common.decorators import secretariat_required
from common.web import posted

from . import rules, selectors, services
from .forms import (
    CatalogueFilterForm,
    ManageFilterForm,
    NotificationReadForm,
    ProjectForm,
    SessionFormSet,
    TransitionForm,
)
from .models import Project

PAGE_SIZE = 20
CATALOGUE_CACHE_SECONDS = 10 * 60


def _paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def catalogue(request):
    def listing(count: int | None = None) -> str:
        form = CatalogueFilterForm(request.GET or None, years=selectors.catalogue_years())
        projects = selectors.project_list(base=selectors.projects_public(), **form.filters())
        paginator = Paginator(projects, PAGE_SIZE)
        if count is not None:
            paginator.count = count  # counted already
        context = {"form": form, "page": paginator.get_page(request.GET.get("page"))}
        return render_to_string("projects/_catalogue_listing.html", context, request)

    if set(request.GET) <= {"page"}:
        # The unfiltered catalogue, what nearly every visitor sees first, is the same for everyone: kept
        # until a project changes (projects.signals), one entry per page that exists (any other number is
        # the first or the last page, as the paginator makes it). Searches are not kept: their number is
        # unbounded, and anyone could fill the cache with them.
        generation = generations.current(selectors.CATALOGUE_GENERATION)
        count = cache.get_or_set(
            f"catalogue:{generation}:count", lambda: selectors.projects_public().count(), CATALOGUE_CACHE_SECONDS
        )
        number = Paginator(range(count), PAGE_SIZE).get_page(request.GET.get("page")).number
        html = cache.get_or_set(f"catalogue:{generation}:{number}", lambda: listing(count), CATALOGUE_CACHE_SECONDS)
    else:
        html = listing()
    return render(request, "projects/catalogue.html", {"listing": html})


def project_detail(request, code):
    project = selectors.project_get_for_viewer(user=request.user, code=code)
    context = {
        "project": project,
        "program": selectors.project_sessions_by_day(project),
        "notification_versions": selectors.notification_versions(project),
        **selectors.project_participation(project),
    }
    user = request.user
    if user.is_authenticated and user.is_secretariat:
        context["transitions"] = sorted(rules.project_transitions(user, project))
    elif user.is_authenticated and user.is_npo_officer:
        context["economy_participates"] = any(e.pk == user.economy_id for e in context["participating_economies"])
    return render(request, "projects/detail.html", context)


def notification_download(request, code):
    """The project's notification: the signed PDF the Secretariat uploaded where there is one, else the
    latest version the portal printed (the link the publication e-mail gives)."""
    project = selectors.project_get_for_viewer(user=request.user, code=code)
    if project.notification_document:
        return _pdf_response(project.notification_document, f"{project.code}-notification.pdf")
    versions = selectors.notification_versions(project)
    if not versions:
        raise Http404("This project's notification is being printed: try again in a minute.")
    return _pdf_response(versions[0].pdf, f"{project.code}-notification-v{versions[0].number}.pdf")


def notification_version_download(request, code, number: int):
    project = selectors.project_get_for_viewer(user=request.user, code=code)
    version = next((v for v in selectors.notification_versions(project) if v.number == number), None)
    if version is None:
        raise Http404("This project has no such version of its notification.")
    return _pdf_response(version.pdf, f"{project.code}-notification-v{number}.pdf")


def _pdf_response(file, filename: str) -> FileResponse:
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")


@secretariat_required
def manage_list(request):
    form = ManageFilterForm(request.GET or None, years=selectors.project_years())
    projects = selectors.project_list(base=Project.objects.all(), **form.filters())
    return render(request, "projects/manage_list.html", {"form": form, "page": _paginate(request, projects)})


@secretariat_required
def project_create(request):
    form = ProjectForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            actor=request.user,
            data=form.project_data(),
            participating_economies=form.cleaned_data["participating_economies"],
            draft_program=form.cleaned_data["notification_program"],
        )
        days = len(form.cleaned_data["notification_program"])
        if days:
            start, end = (time.strftime("%H:%M") for time in services.DRAFT_SESSION_HOURS)
            messages.success(
                request,
                f"Project {project.code} was created as a draft, with {days} session{'s' if days != 1 else ''} from "
                f"the notification's program, each set at {start}–{end} project time: check their times and titles.",
            )
        else:
            messages.success(request, f"Project {project.code} was created as a draft. Add its program next.")
        return redirect("manage:program", code=project.code)
    return render(request, "projects/project_form.html", {"form": form, "project": None, **_program_preview(form)})


@secretariat_required
def project_from_notification(request):
    """A notification's text or file read into the new-project form, every filled field marked for review.
    Nothing is saved here: the form it shows posts to project_create."""
    read_form = NotificationReadForm(posted(request), request.FILES or None)
    if request.method == "POST" and read_form.is_valid():
        reading = selectors.notification_reading(read_form.cleaned_data["text"])
        form = ProjectForm()
        prefilled = form.prefill_from(reading)
        context = {"form": form, "project": None, "prefilled": prefilled, "unread": reading.unread}
        return render(request, "projects/project_form.html", context | _program_preview(form, reading.program))
    return render(request, "projects/notification_read.html", {"form": read_form})


def _program_preview(form: ProjectForm, program=None) -> dict:
    """The program's days the form carries (read from a notification), to show before they are saved. A
    bound form keeps the days in its cleaned data even when another field is wrong."""
    if program is None:
        days = getattr(form, "cleaned_data", {}).get("notification_program", [])
    else:
        days = [{"day": day.day, "topics": day.topics} for day in program]
    start, end = (time.strftime("%H:%M") for time in services.DRAFT_SESSION_HOURS)
    return {"notification_program": days, "draft_hours": f"{start}–{end}"}


@secretariat_required
def project_edit(request, code):
    project = selectors.project_get_for_secretariat(code=code)
    # The form writes what was typed onto its instance even when it is refused; the page's headings and links
    # are the project as stored (a refused code such as "X" would break every link to it).
    form = ProjectForm(posted(request), request.FILES or None, instance=copy.copy(project))
    if request.method == "POST" and form.is_valid():
        project = services.project_update(
            project=project,
            actor=request.user,
            data=form.project_data(),
            participating_economies=form.cleaned_data["participating_economies"],
        )
        messages.success(request, "The project was saved.")
        return redirect("projects:detail", code=project.code)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@secretariat_required
def program_edit(request, code):
    project = selectors.project_get_for_secretariat(code=code)
    formset = SessionFormSet(posted(request), instance=project, prefix="sessions")
    if request.method == "POST" and formset.is_valid():
        removing = [form.instance for form in formset.deleted_forms if form.instance.pk]
        if removing and request.POST.get("confirm") != "1":
            # Removing a session removes its attendance marks with it: asked once more, with the same form.
            return render(
                request,
                "projects/program_form.html",
                {"formset": formset, "project": project, "removing": removing, "next_step": _program_step(request)},
            )
        services.program_save(project=project, actor=request.user, formset=formset)
        messages.success(request, "The program was saved.")
        if _program_step(request) == "add_another":
            return redirect("manage:program", code=project.code)
        return redirect("projects:detail", code=project.code)
    return render(request, "projects/program_form.html", {"formset": formset, "project": project})


def _program_step(request) -> str:
    """Which of the program's buttons was pressed (kept across the confirmation of a removal)."""
    return "add_another" if "add_another" in request.POST or request.POST.get("step") == "add_another" else "save"


TRANSITION_VERBS = {
    Project.Status.PUBLISHED: ("Publish", "NPOs of the participating economies can then nominate candidates."),
    Project.Status.CLOSED: ("Close nominations", "No NPO can nominate or edit a nomination afterwards."),
    Project.Status.COMPLETED: ("Mark as completed", "The project has been held."),
    Project.Status.CANCELLED: ("Cancel the project", "Give the reason: NPOs and nominees will read it."),
}


@secretariat_required
def project_transition(request, code, to):
    project = selectors.project_get_for_secretariat(code=code)
    if to not in TRANSITION_VERBS:
        raise Http404("No such action.")
    form = TransitionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_transition(project=project, actor=request.user, to=to, note=form.cleaned_data["note"])
        except services.ProjectTransitionError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{project.code} is now {Project.Status(to).label.lower()}.")
            return redirect("projects:detail", code=project.code)
    verb, explanation = TRANSITION_VERBS[to]
    return render(
        request,
        "projects/transition_confirm.html",
        {
            "project": project,
            "form": form,
            "to": to,
            "verb": verb,
            "explanation": explanation,
            "note_required": to == Project.Status.CANCELLED,
        },
    )
