"""The portal's Django admin site: Django's own, with a hand-written bulk selection refused politely.

A changelist's bulk action filters by the ids the form posted (`_selected_action`). Django reads an id that
is no id of the model (`abc`, `1x`, a number past the databases' integers) only in that filter, and answers
with a ValueError or an overflow: the 500 page. Every model admin registered here, the portal's and
Django's own (groups), first reads each id as the model's primary key, and refuses the whole selection with
a message if one is not, as Django does when nothing was selected."""

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError

from common.db import past_the_ids

NOT_RECORDS = "Those items are not all records of this list: nothing was done. Choose them again."


class SelectionChecked:
    """A ModelAdmin whose bulk actions run only on a selection of its model's primary keys."""

    def response_action(self, request, queryset):
        key = self.model._meta.pk
        try:
            for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                if past_the_ids(value):
                    raise ValueError(value)
                key.get_prep_value(key.to_python(value))
        except (ValidationError, ValueError, TypeError):
            self.message_user(request, NOT_RECORDS, messages.WARNING)
            return None  # Django then shows the list again, with the message
        return super().response_action(request, queryset)


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SelectionChecked):
            admin_class = type(
                admin_class.__name__, (SelectionChecked, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    """Installed in place of `django.contrib.admin`: the same app, with `admin.site` a PortalAdminSite."""

    default_site = "apo_portal.admin_site.PortalAdminSite"
