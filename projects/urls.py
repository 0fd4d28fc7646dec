from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/notification/", views.notification_download, name="notification"),
]
