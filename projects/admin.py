from django.contrib import admin

from .models import Project, Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "project_type", "modality", "start_date", "status", "hosting_economy"]
    list_filter = ["status", "project_type", "modality", "scope", "hosting_economy"]
    search_fields = ["code", "title"]
    date_hierarchy = "start_date"
    filter_horizontal = ["participating_economies"]
    list_select_related = ["hosting_economy"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "starts_at", "ends_at"]
    search_fields = ["title", "project__code"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
