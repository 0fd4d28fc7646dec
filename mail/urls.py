from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path("manage/emails/", views.failed_emails, name="failed_emails"),
]
