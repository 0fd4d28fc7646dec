from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self):
        from django.urls import register_converter

        from .converters import ProjectCodeConverter

        # Before any URLconf is loaded (they are read on the first request): every app's addresses use it.
        register_converter(ProjectCodeConverter, "project_code")
        from . import signals  # noqa: F401  (the catalogue's cached pages end when a project changes)
