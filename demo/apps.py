from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The quick start's demo: its content as data files and the loader that puts it through the services."""

    name = "demo"
