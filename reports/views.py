from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from audit.services import audit_log
from common.decorators import role_required, secretariat_required
from common.pdf import render_pdf
from common.spreadsheets import table_csv, table_xlsx
from nominations import selectors as nomination_selectors
from projects import selectors as project_selectors

from . import selectors
from .forms import ReportFilterForm

staff_or_npo = role_required(lambda user: user.is_secretariat or user.is_npo_officer)


def _filter_form(request) -> ReportFilterForm:
    fixed = request.user.npo.economy if request.user.is_npo_officer else None
    return ReportFilterForm(request.GET or None, years=selectors.report_years(), fixed_economy=fixed)


@staff_or_npo
def dashboard(request):
    form = _filter_form(request)
    filters = form.filters()
    tables = selectors.summary_tables(filters)
    projects = selectors.attendance_page(filters, request.GET.get("page"))
    charts = {
        "funnel": {
            "labels": [row["economy__name"] for row in tables["funnel"]],
            "series": {
                key: [row[key] for row in tables["funnel"]]
                for key in ("nominated", "selected", "attended_all", "certified")
            },
        },
        "gender": {
            "labels": [row["label"] for row in tables["gender"]],
            "values": [row["selected"] for row in tables["gender"]],
        },
    }
    context = {
        "form": form,
        "filters": filters,
        **tables,
        "projects": projects,
        "charts": charts,
        "totals": selectors.totals_of(tables["funnel"], ("nominated", "selected", "attended_all", "certified")),
        "gender_totals": selectors.totals_of(tables["gender"], ("selected", "certified")),
        "attendance_totals": selectors.attendance_totals(filters),
    }
    if request.user.is_npo_officer:
        open_projects = list(nomination_selectors.projects_open_to_economy(request.user.npo.economy))
        context["open_projects"] = open_projects
        context["open_totals"] = {
            key: sum(getattr(p, key) for p in open_projects) for key in ("submitted_count", "draft_count")
        }
    return render(request, "reports/dashboard.html", context)


TABLES = {
    "economies": (
        ["Economy", "Nominated", "Selected", "Attended all sessions", "Certified"],
        lambda t, f: [
            [r["economy__name"], r["nominated"], r["selected"], r["attended_all"], r["certified"]] for r in t["funnel"]
        ],
    ),
    "gender": (
        ["Gender", "Selected", "Certified"],
        lambda t, f: [[r["label"], r["selected"], r["certified"]] for r in t["gender"]],
    ),
    "projects": (
        ["Project", "Title", "Start", "Participants", "Sessions", "Attended marks", "Attendance rate"],
        lambda t, f: [
            [
                p.code,
                p.title,
                p.start_date.isoformat(),
                p.participant_count,
                p.session_count,
                p.attended_count,
                round(selectors.attendance_rate(p) or 0, 4),
            ]
            for p in selectors.attendance_by_project(f)
        ],
    ),
}


@staff_or_npo
def export(request, table, fmt):
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("No such table.")
    filters = _filter_form(request).filters()
    header, rows = TABLES[table][0], TABLES[table][1](selectors.summary_tables(filters), filters)
    name = (
        f"apo-{table}"
        + (f"-{filters.year}" if filters.year else "")
        + (f"-{filters.economy.code}" if filters.economy else "")
    )
    audit_log(
        actor=request.user,
        action="reports.export.downloaded",
        target=request.user,
        economy=filters.economy,
        changes={"table": table, "format": fmt, "rows": len(rows)},
    )
    if fmt == "csv":
        response = HttpResponse(table_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            table_xlsx(header, rows, title=f"APO report: {table}", sheet_name=table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _project_report_context(project) -> dict:
    quota = nomination_selectors.quota_summary(project)
    sessions = selectors.project_sessions_attendance(project)
    decisions = selectors.project_decisions(project)
    certificates = selectors.project_certificates(project)
    return {
        "project": project,
        "quota": quota,
        "decisions": decisions,
        "decisions_total": sum(decisions.values()),
        "sessions": sessions,
        "sessions_totals": selectors.project_sessions_totals(sessions, quota["totals"]["selected"]),
        "certificates": certificates,
        "certificates_total": sum(certificates.values()),
        "today": selectors.today(),
    }


@secretariat_required
def project_report(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    return render(request, "reports/project_report.html", _project_report_context(project))


@secretariat_required
def project_report_pdf(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    html = render_to_string("reports/project_report_pdf.html", _project_report_context(project), request=request)
    pdf = render_pdf(html)  # with the portal's fonts, like the certificates
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{project.code}-report.pdf"'
    return response
