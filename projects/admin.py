from django.contrib import admin

from .changes import project_records_changed_on_commit
from .models import Project, Session


class ProjectRecordsAdmin(admin.ModelAdmin):
    """An edit or deletion in the admin changes what is counted about a project, as the services' writes
    do: it says so on commit (projects/changes.py), so that the reports' figures follow at once rather than
    at the nightly rebuild."""

    def project_id_of(self, obj) -> int:
        return obj.project_id

    def save_related(self, request, form, formsets, change):
        # After save_model and the inlines: one signal for the object and everything saved with it.
        super().save_related(request, form, formsets, change)
        project_records_changed_on_commit(self.project_id_of(form.instance))

    def delete_model(self, request, obj):
        project_id = self.project_id_of(obj)
        super().delete_model(request, obj)
        project_records_changed_on_commit(project_id)

    def delete_queryset(self, request, queryset):
        project_ids = {self.project_id_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for project_id in project_ids:
            project_records_changed_on_commit(project_id)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Project)
class ProjectAdmin(ProjectRecordsAdmin):
    list_display = ["code", "title", "project_type", "modality", "start_date", "status", "hosting_economy"]
    list_filter = ["status", "project_type", "modality", "scope", "hosting_economy"]
    search_fields = ["code", "title"]
    date_hierarchy = "start_date"
    filter_horizontal = ["participating_economies"]
    list_select_related = ["hosting_economy"]
    inlines = [SessionInline]

    def project_id_of(self, obj) -> int:
        return obj.pk

    def delete_model(self, request, obj):
        # A deleted project has no figures left to refresh (they go with it, on delete cascade).
        admin.ModelAdmin.delete_model(self, request, obj)

    def delete_queryset(self, request, queryset):
        admin.ModelAdmin.delete_queryset(self, request, queryset)


@admin.register(Session)
class SessionAdmin(ProjectRecordsAdmin):
    list_display = ["title", "project", "starts_at", "ends_at"]
    search_fields = ["title", "project__code"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
