from django.contrib import admin

from projects.admin import ProjectRecordsAdmin

from .models import Attachment, DeadlineExtension, Nomination


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "file_type", "original_name", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the NPO's page, which judges the file by content


@admin.register(Nomination)
class NominationAdmin(ProjectRecordsAdmin):
    list_display = ["full_name", "project", "economy", "priority_rank", "status"]
    list_filter = ["status", "economy", "gender", "organization_type"]
    search_fields = ["full_name", "email", "project__code"]
    list_select_related = ["project", "economy"]
    raw_id_fields = ["project", "participant", "created_by"]
    # The status moves only through the services, which check the rules and write the audit log.
    readonly_fields = ["status", "submitted_at"]
    inlines = [AttachmentInline]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ["project", "economy", "closes_at", "granted_by", "granted_at"]
    list_select_related = ["project", "economy", "granted_by"]
    search_fields = ["project__code", "economy__name"]
    readonly_fields = ["project", "economy", "closes_at", "reason", "granted_by", "granted_at"]

    def has_add_permission(self, request):
        return False  # granted on the project's page, with its checks and audit entry


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["nomination", "kind", "file_type", "original_name", "size", "uploaded_at"]
    list_select_related = ["nomination__project", "nomination__economy"]
    search_fields = ["nomination__full_name", "nomination__project__code"]
    exclude = ["file"]  # the admin would link the file to a public URL; it has none
    readonly_fields = ["nomination", "kind", "file_type", "original_name", "size", "sha256", "uploaded_by"]

    def has_add_permission(self, request):
        return False
