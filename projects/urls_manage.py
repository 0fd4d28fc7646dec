"""The Secretariat's pages for projects and programs."""

from django.urls import path

from . import views

app_name = "manage"
urlpatterns = [
    path("", views.manage_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<str:code>/edit/", views.project_edit, name="edit"),
    path("<str:code>/program/", views.program_edit, name="program"),
    path("<str:code>/status/<str:to>/", views.project_transition, name="transition"),
]
