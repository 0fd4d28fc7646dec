from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, member economies and NPOs"

    def ready(self):
        from . import signals  # noqa: F401  (connects the security-event receivers)
