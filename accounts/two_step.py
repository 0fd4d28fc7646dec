"""Two-step sign-in: after the password, a code from an authenticator app (TOTP), a security key or
passkey (WebAuthn, django-otp-webauthn), or a recovery code.

django-otp keeps the devices (`otp_totp.TOTPDevice`, `otp_static.StaticDevice` with its tokens), checks
codes with its own throttling (each wrong code doubles the wait on that device) and marks the session as
verified (`django_otp.login`, read back by `OTPMiddleware` as `request.user.is_verified()`). This module
says who must pass the second step, and holds every write: enrolment, verification, recovery codes and
removal, each recorded in the audit log as a security event.

What a session still owes is decided at log-in and kept in the session (`SESSION_KEY`), so that a page
costs no query for the many users without a device.
"""

import base64
import math
from dataclasses import dataclass

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from audit.services import security_event

SESSION_KEY = "accounts.two_step"
# What the session's user still owes after the password: a code (they have a device), an enrolment
# (they must have one and have none), or nothing.
VERIFY, ENROL, NOTHING = "verify", "enrol", "none"
RECOVERY_CODE_COUNT = 10
# The codes made at enrolment or on request, kept in the session until the page that shows them once.
NEW_RECOVERY_CODES_KEY = "accounts.two_step.new_recovery_codes"
APP_DEFAULT_NAME = "Authenticator app"


def two_step_required(user) -> bool:
    """Secretariat staff and Django admin users must use two-step sign-in where the settings say so."""
    return settings.MFA_REQUIRED_FOR_STAFF and (user.is_secretariat or user.is_staff or user.is_superuser)


def authenticator_apps(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("created_at", "pk")


def security_keys(user):
    return WebAuthnCredential.objects.devices_for_user(user, confirmed=True).order_by("created_at", "pk")


def has_second_step_device(user) -> bool:
    """An app or a key: what recovery codes stand in for."""
    return authenticator_apps(user).exists() or security_keys(user).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _owed_by(user) -> str:
    if django_otp.user_has_device(user, confirmed=True):
        return VERIFY
    return ENROL if two_step_required(user) else NOTHING


def session_start(*, request, user) -> None:
    """At log-in: remember what this session owes after the password."""
    request.session[SESSION_KEY] = _owed_by(user)


def step_owed(request) -> str | None:
    """VERIFY or ENROL while this signed-in session must pass the second step; None once it has, or when
    it need not. Sessions from before two-step sign-in existed are worked out once, then remembered."""
    user = request.user
    if not user.is_authenticated:
        return None
    owed = request.session.get(SESSION_KEY)
    if owed == NOTHING or (owed in (VERIFY, ENROL) and user.is_verified()):
        return None
    # Worked out again while the session is held at the second step (a few pages at most), so that a
    # device removed meanwhile, say by an administrator, never leaves it asking for a code nobody has.
    owed = _owed_by(user)
    request.session[SESSION_KEY] = owed
    return None if owed == NOTHING or user.is_verified() else owed


# Enrolment -------------------------------------------------------------------------------------------


def authenticator_app_pending(*, user) -> TOTPDevice:
    """The app being set up: a new secret, kept (unconfirmed, so it signs nobody in) until a code from it
    confirms it, so that reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=APP_DEFAULT_NAME)


@dataclass(frozen=True)
class AppSetup:
    qr_data_uri: str
    secret: str  # base32, in groups of four, for typing into an app by hand
    config_url: str


def authenticator_app_setup(device: TOTPDevice) -> AppSetup:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    qr = segno.make(device.config_url, error="m")
    return AppSetup(
        qr_data_uri=qr.svg_data_uri(scale=5, border=2, dark="#000", light="#fff"),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        config_url=device.config_url,
    )


class CodeRefused(Exception):
    """A code was not accepted; the message says why, for the person who typed it."""


def _clean_code(code: str) -> str:
    # People copy codes with spaces or dashes ("123 456", "abcd-efgh"); recovery codes are lower case.
    return "".join(code.split()).replace("-", "").lower()


def _throttled_message(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''}, then try again."


def authenticator_app_confirm(*, request, device: TOTPDevice, code: str, name: str = "") -> list[str] | None:
    """Confirm the app being set up with one code from it. The session is then verified by it; recovery
    codes are made when the user has none (returned, to be shown once), else None.
    Side effects: the device is confirmed; the audit log records `security.mfa_enrolled`."""
    user = request.user
    # A wrong code's count must be saved, so the refusal is raised after the transaction, not inside it.
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        allowed, info = device.verify_is_allowed()
        accepted = allowed and device.verify_token(_clean_code(code))
    if not allowed:
        raise CodeRefused(_throttled_message(info["locked_until"]))
    if not accepted:
        raise CodeRefused("That code does not match. Enter the 6-digit code your app shows now.")
    with transaction.atomic():
        device.confirmed = True
        device.name = name.strip()[:64] or APP_DEFAULT_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = None if recovery_codes_left(user) else _recovery_codes_replace(user)
        security_event(action="security.mfa_enrolled", request=request, user=user, device=device.name)
    django_otp.login(request, device)
    request.session[SESSION_KEY] = VERIFY
    if codes:
        request.session[NEW_RECOVERY_CODES_KEY] = codes
    return codes


def _recovery_codes_replace(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_replace(*, request) -> list[str]:
    """New recovery codes for a user with an authenticator app; the old ones stop working. The codes are
    kept in the session for the page that shows them once.
    Side effects: the audit log records `security.mfa_recovery_codes_replaced`."""
    user = request.user
    with transaction.atomic():
        if not has_second_step_device(user):
            raise CodeRefused("Set up an authenticator app or a security key first: recovery codes stand in for it.")
        codes = _recovery_codes_replace(user)
        security_event(action="security.mfa_recovery_codes_replaced", request=request, user=user)
    request.session[NEW_RECOVERY_CODES_KEY] = codes
    return codes


def recovery_codes_to_show(request) -> list[str]:
    """The codes just made, once: a second look shows nothing."""
    return request.session.pop(NEW_RECOVERY_CODES_KEY, [])


# Verification ----------------------------------------------------------------------------------------


def second_step_verify(*, request, code: str) -> django_otp.models.Device:
    """Check a code from one of the user's authenticator apps, or a recovery code (which then stops
    working), and mark the session verified. Raises CodeRefused with a message for the person.
    Side effects: `security.mfa_verified` or `security.mfa_recovery_code_used` on success,
    `security.mfa_failed` on a wrong or throttled code."""
    user = request.user
    cleaned = _clean_code(code)
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) == 6:
        devices, kind = list(authenticator_apps(user)), "app"
    elif cleaned.isascii() and cleaned.isalnum() and len(cleaned) == 8:
        devices, kind = list(StaticDevice.objects.devices_for_user(user, confirmed=True)), "recovery code"
    else:
        raise CodeRefused("Enter the 6-digit code from your authenticator app, or one of your recovery codes.")

    locked_until = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            locked_until.append(info["locked_until"])
            continue
        verified = django_otp.verify_token(user, device.persistent_id, cleaned)
        if verified is not None:
            django_otp.login(request, verified)
            if kind == "app":
                security_event(action="security.mfa_verified", request=request, user=user, device=verified.name)
            else:
                security_event(
                    action="security.mfa_recovery_code_used",
                    request=request,
                    user=user,
                    codes_left=recovery_codes_left(user),
                )
            return verified
    throttled = bool(locked_until) and len(locked_until) == len(devices)
    security_event(action="security.mfa_failed", request=request, user=user, kind=kind, throttled=throttled)
    if throttled:
        raise CodeRefused(_throttled_message(min(locked_until)))
    if kind == "app":
        raise CodeRefused("That code is not right. Enter the 6-digit code your authenticator app shows now.")
    raise CodeRefused("That recovery code is not right, or it was used already.")


# Removal ---------------------------------------------------------------------------------------------


def second_step_device_remove(*, request, device: TOTPDevice | WebAuthnCredential) -> None:
    """Remove one of the user's apps or keys (the view has checked their password). With the last of them
    go the recovery codes: they stand in for an app or key, not for the second step itself.
    Side effects: `security.mfa_device_removed` in the audit log; the session then owes an enrolment when
    two-step sign-in is required, a code when another device remains."""
    user = request.user
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk, user=user)
        name = device.name
        device.delete()
        last = not has_second_step_device(user)
        if last:
            StaticDevice.objects.filter(user=user).delete()
        security_event(action="security.mfa_device_removed", request=request, user=user, device=name, last_device=last)
    session_start(request=request, user=user)


# Security keys: django-otp-webauthn's views run the ceremonies; these record their outcome ------------


def security_key_registered(*, request, device: WebAuthnCredential) -> list[str] | None:
    """A key was registered (and the session verified by it, unless it already was). Recovery codes are
    made when the user has none (kept in the session to be shown once).
    Side effects: `security.mfa_enrolled` in the audit log."""
    user = request.user
    with transaction.atomic():
        codes = None if recovery_codes_left(user) else _recovery_codes_replace(user)
        security_event(action="security.mfa_enrolled", request=request, user=user, device=device.name, kind="key")
    request.session[SESSION_KEY] = VERIFY
    if codes:
        request.session[NEW_RECOVERY_CODES_KEY] = codes
    return codes


def security_key_used(*, request, device: WebAuthnCredential) -> None:
    security_event(action="security.mfa_verified", request=request, user=request.user, device=device.name, kind="key")


def security_key_refused(*, request, reason: str) -> None:
    security_event(action="security.mfa_failed", request=request, user=request.user, kind="key", reason=reason[:100])
