from django.urls import path

from . import views

app_name = "attendance"
urlpatterns = [
    path("manage/projects/<project_code:code>/attendance/", views.register, name="register"),
    path("manage/projects/<project_code:code>/attendance/mark/", views.mark_cell, name="mark"),
    path(
        "manage/projects/<project_code:code>/attendance/<int:session_id>/all-present/",
        views.all_present,
        name="all_present",
    ),
    path(
        "manage/projects/<project_code:code>/attendance/<int:session_id>/import/",
        views.report_upload,
        name="report_upload",
    ),
    path("manage/projects/<project_code:code>/attendance/reports/<int:pk>/", views.report_preview, name="report"),
    path("manage/projects/<project_code:code>/attendance/imports/<int:pk>/", views.import_detail, name="import"),
    path(
        "manage/projects/<project_code:code>/attendance/imports/<int:pk>/undo/", views.import_undo, name="import_undo"
    ),
    path(
        "manage/projects/<project_code:code>/attendance/<int:session_id>/check-in/",
        views.check_in_screen,
        name="check_in_screen",
    ),
    path("manage/projects/<project_code:code>/participants/<int:pk>/override/", views.override, name="override"),
    path("check-in/<int:session_id>/", views.check_in_enter, name="check_in_enter"),
    path("check-in/<int:session_id>/<str:code>/", views.check_in, name="check_in"),
    path("projects/<project_code:code>/participants/", views.participants_page, name="participants"),
    path("my/projects/<project_code:code>/", views.my_project, name="my_project"),
    path("my/projects/<project_code:code>/calendar.ics", views.my_calendar, name="my_calendar"),
    path("my/projects/<project_code:code>/calendar-feed/renew/", views.calendar_feed_renew, name="calendar_feed_renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
