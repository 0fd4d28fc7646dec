from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Django's ModelBackend; the e-mail is matched without case by UserManager.get_by_natural_key."""
