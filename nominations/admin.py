from django.contrib import admin

from .models import Nomination


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["full_name", "project", "economy", "priority_rank", "status"]
    list_filter = ["status", "economy", "gender", "organization_type"]
    search_fields = ["full_name", "email", "project__code"]
    list_select_related = ["project", "economy"]
    raw_id_fields = ["project", "participant", "created_by"]
