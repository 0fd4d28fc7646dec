"""Time zones the whole portal shares: the Secretariat's, and the dates and instants written in it.

A date read off a record (a certificate's issue or revocation) is decided once, in the Secretariat's time
zone (settings.TIME_ZONE), and stored as a date: every page, PDF, e-mail and export then prints the same day,
whoever reads it and wherever (PRODUCT.md rule 13). Times, by contrast, are shown in the reader's zone
(common/templatetags/portal.py `reader_time`)."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import dateformat, timezone


def secretariat_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def secretariat_date(instant: datetime.datetime | None = None) -> datetime.date:
    """The day an instant falls on in the Secretariat's time zone (now, when none is given)."""
    return timezone.localtime(instant or timezone.now(), secretariat_zone()).date()


def iso_in_zone(instant: datetime.datetime | None, zone) -> str:
    """An instant as ISO 8601 with its offset in `zone` (a name or a ZoneInfo), to the second:
    '2030-03-01T23:59:59+09:00'. Empty for None."""
    if instant is None:
        return ""
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    return timezone.localtime(instant, zone).isoformat(timespec="seconds")


def reader_time_text(instant: datetime.datetime, *, project_zone=None, format: str = "j F Y, H:i") -> str:
    """An instant as plain text for a message to the reader, in the words of the `reader_time` tag: in the
    zone the request activated, labelled, and in `project_zone` beside it when that differs:
    '15 March 2026, 20:29 your time (Asia/Colombo) · 15 March 2026, 23:59 project time (Asia/Tokyo)'."""
    reader = timezone.get_current_timezone_name()
    text = f"{dateformat.format(timezone.localtime(instant), format)} your time ({reader})"
    if project_zone and str(project_zone) != reader:
        there = dateformat.format(timezone.localtime(instant, zoneinfo.ZoneInfo(str(project_zone))), format)
        text += f" · {there} project time ({project_zone})"
    return text
