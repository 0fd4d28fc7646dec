from django.contrib import admin

from projects.admin import ProjectRecordsAdmin

from .models import AttendanceImport, AttendanceReport, CheckIn, EligibilityOverride, Mark


@admin.register(Mark)
class MarkAdmin(ProjectRecordsAdmin):
    list_display = ["nomination", "session", "status", "source", "minutes", "set_by", "set_at"]
    list_filter = ["status", "source"]
    list_select_related = ["nomination__project", "nomination__economy", "session", "set_by"]
    search_fields = ["nomination__full_name", "session__project__code"]
    # Marks change through the register, the import or check-in, which audit every change.
    readonly_fields = [f.name for f in Mark._meta.fields]

    def project_id_of(self, obj) -> int:
        return obj.session.project_id

    def has_add_permission(self, request):
        return False


@admin.register(AttendanceReport)
class AttendanceReportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "session", "format", "uploaded_by", "uploaded_at", "applied_at"]
    list_select_related = ["session__project", "uploaded_by"]
    exclude = ["file"]
    readonly_fields = [
        "session",
        "original_name",
        "sha256",
        "format",
        "time_zone",
        "uploaded_by",
        "applied_at",
        "summary",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(EligibilityOverride)
class EligibilityOverrideAdmin(admin.ModelAdmin):
    list_display = ["nomination", "granted_by", "granted_at"]
    list_select_related = ["nomination__project", "granted_by"]
    readonly_fields = ["nomination", "reason", "granted_by", "granted_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AttendanceImport)
class AttendanceImportAdmin(admin.ModelAdmin):
    list_display = ["report", "applied_by", "applied_at", "undone_at"]
    list_select_related = ["report__session", "applied_by"]
    # Imports are applied and undone from the Secretariat's pages, which audit both.
    readonly_fields = [f.name for f in AttendanceImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    """Every self check-in, with the code's window and the device: to look into check-ins that do not look like
    a room (the same device for two participants, an address far from the venue)."""

    list_display = ["nomination", "session", "at", "window_starts_at", "client_address", "marked"]
    list_filter = ["marked"]
    list_select_related = ["nomination", "session"]
    search_fields = ["nomination__full_name", "session__project__code", "client_address"]
    readonly_fields = [f.name for f in CheckIn._meta.fields]

    def has_add_permission(self, request):
        return False
