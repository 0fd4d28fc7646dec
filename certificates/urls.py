from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("manage/projects/<project_code:code>/certificates/", views.manage, name="manage"),
    path("manage/projects/<project_code:code>/certificates/issue/", views.issue, name="issue"),
    path("manage/projects/<project_code:code>/certificates/progress/", views.progress, name="progress"),
    path("manage/certificates/<int:pk>/retry/", views.retry, name="retry"),
    path("manage/certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("certificates/<int:pk>/download/", views.download, name="download"),
    path("projects/<project_code:code>/certificates.zip", views.download_zip, name="zip"),
    path("verify/", views.verify, name="verify_form"),
    path("verify/credential/", views.verify_credential, name="verify_credential"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/credential.jwt", views.credential, name="credential"),
    # The credentials' issuer (did:web of the portal's host) and their revocation lists.
    path(".well-known/did.json", views.did_document, name="did_document"),
    path("credentials/status/<int:number>", views.status_list, name="status_list"),
]
