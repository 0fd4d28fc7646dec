from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "target_repr", "actor", "economy"]
    list_filter = ["action", "economy"]
    search_fields = ["target_repr", "note", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "economy"]

    # The audit log is evidence: nobody edits or deletes it, not even in the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
