"""The Secretariat's pages for projects and programs."""

from django.urls import path

from . import views

app_name = "manage"
urlpatterns = [
    path("", views.manage_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("new/from-notification/", views.project_from_notification, name="create_from_notification"),
    path("<project_code:code>/edit/", views.project_edit, name="edit"),
    path("<project_code:code>/program/", views.program_edit, name="program"),
    path("<project_code:code>/status/<str:to>/", views.project_transition, name="transition"),
]
