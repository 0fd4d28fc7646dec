from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"

    def ready(self):
        from certificates import checks  # noqa: F401  (registers the system checks)
