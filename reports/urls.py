from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/export/<str:table>.<str:fmt>", views.export, name="export"),
    path("reports/projects/<project_code:code>/", views.project_report, name="project"),
    path("reports/projects/<project_code:code>/report.pdf", views.project_report_pdf, name="project_pdf"),
]
