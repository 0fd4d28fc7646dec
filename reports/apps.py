from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the stored figures in step with the records)
