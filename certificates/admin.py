from django.contrib import admin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "holder_name", "project", "render_status", "issued_on", "revoked_on"]
    list_filter = ["render_status"]
    search_fields = ["serial", "holder_name", "verification_code", "project__code"]
    list_select_related = ["project"]
    exclude = ["pdf"]  # no public URL to link to; downloads go through the permission-checked view
    # Issued, revoked and replaced only through the services, which keep rule 6 and the audit log.
    readonly_fields = [f.name for f in Certificate._meta.fields if f.name != "pdf"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
