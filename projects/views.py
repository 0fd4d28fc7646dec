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
from .forms import CatalogueFilterForm, ManageFilterForm, ProjectForm, SessionFormSet, TransitionForm
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
        **selectors.project_participation(project),
    }
    user = request.user
    if user.is_authenticated and user.is_secretariat:
        context["transitions"] = sorted(rules.project_transitions(user, project))
    elif user.is_authenticated and user.is_npo_officer:
        context["economy_participates"] = any(e.pk == user.economy_id for e in context["participating_economies"])
    return render(request, "projects/detail.html", context)


def notification_download(request, code):
    project = selectors.project_get_for_viewer(user=request.user, code=code)
    if not project.notification_document:
        raise Http404("This project has no signed notification.")
    return FileResponse(
        project.notification_document.open("rb"),
        as_attachment=True,
        filename=f"{project.code}-notification.pdf",
        content_type="application/pdf",
    )


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
        )
        messages.success(request, f"Project {project.code} was created as a draft. Add its program next.")
        return redirect("manage:program", code=project.code)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@secretariat_required
def project_edit(request, code):
    project = selectors.project_get_for_secretariat(code=code)
    form = ProjectForm(posted(request), request.FILES or None, instance=project)
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
