from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<project_code:code>/", views.project_detail, name="detail"),
    path("<project_code:code>/notification/", views.notification_download, name="notification"),
    path(
        "<project_code:code>/notification/<int:number>/",
        views.notification_version_download,
        name="notification_version",
    ),
]
