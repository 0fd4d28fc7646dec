from django.urls import path, register_converter

from . import views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "export_format")

app_name = "nominations"
urlpatterns = [
    # NPO officers, for their own economy
    path("projects/<project_code:code>/nominations/", views.economy_nominations, name="economy"),
    path("projects/<project_code:code>/nominations/new/", views.nomination_create, name="create"),
    path(
        "projects/<project_code:code>/nominations/export.<export_format:fmt>", views.nominations_export, name="export"
    ),
    path("nominations/<int:pk>/", views.nomination_detail, name="detail"),
    path("nominations/<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("nominations/<int:pk>/move/<str:direction>/", views.nomination_move, name="move"),
    path("nominations/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("nominations/<int:pk>/attachments/<str:kind>/", views.attachment_download, name="attachment"),
    path("nominations/<int:pk>/<str:action>/", views.nomination_action, name="action"),
    # the Secretariat
    path("manage/projects/<project_code:code>/nominations/", views.review, name="review"),
    path("manage/projects/<project_code:code>/nominations/confirm/", views.review_confirm, name="confirm"),
    path("manage/projects/<project_code:code>/nominations/decide/", views.review_decide, name="decide"),
    path("manage/projects/<project_code:code>/announce/progress/", views.announce_progress, name="announce_progress"),
    path("manage/projects/<project_code:code>/extensions/", views.extension_grant, name="extension"),
    path("manage/projects/<project_code:code>/announce/", views.announce, name="announce"),
]
