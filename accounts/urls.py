from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import two_step_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("two-step/", two_step_views.verify, name="two_step_verify"),
    path("two-step/app/", two_step_views.enrol, name="two_step_enrol"),
    path("two-step/app/<int:pk>/remove/", two_step_views.app_remove, name="two_step_app_remove"),
    path("two-step/keys/<int:pk>/remove/", two_step_views.key_remove, name="two_step_key_remove"),
    path("two-step/recovery-codes/", two_step_views.recovery_codes, name="two_step_recovery_codes"),
    path("two-step/recovery-codes/new/", two_step_views.recovery_codes_replace, name="two_step_recovery_codes_new"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
