from django.contrib import admin
from django.urls import include, path

from common import web

urlpatterns = [
    path("", include("home.urls")),
    path("accounts/", include("accounts.urls")),
    # Security keys' JSON steps, under django-otp-webauthn's own namespace (its template tags name it).
    path("accounts/two-step/key/", include("accounts.webauthn_urls")),
    path("", include("mail.urls")),
    path("", include("nominations.urls")),
    path("", include("attendance.urls")),
    path("", include("certificates.urls")),
    path("", include("reports.urls")),
    path("projects/", include("projects.urls")),
    path("manage/projects/", include("projects.urls_manage")),
    path("admin/", admin.site.urls),
    path("healthz", web.healthz, name="healthz"),
    path("readyz", web.readyz, name="readyz"),
]
# Every other error stays the portal's 500 page; one that is the database being unreachable is its 503.
handler500 = "apo_portal.outage.server_error"
