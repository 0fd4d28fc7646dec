from django.contrib import admin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created_at", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [
        "key",
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "project",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "enqueued_at",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False
