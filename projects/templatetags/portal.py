import datetime

from django import template
from django.templatetags.tz import do_timezone
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def in_zone(value: datetime.datetime, zone):
    """The instant as a wall-clock time in `zone` (a name or a ZoneInfo).

    Django's own `timezone` filter, which flags the result so that `date` does not convert it back to
    the viewer's time zone."""
    return do_timezone(value, zone)


@register.filter
def time_left(value: datetime.datetime) -> str:
    """'3 days, 4 hours left' before an instant; 'closed' after it."""
    if value is None:
        return ""
    if value <= timezone.now():
        return "closed"
    return f"{timeuntil(value, depth=2)} left"


@register.filter
def closes_within(value: datetime.datetime, days: int) -> bool:
    return value is not None and timezone.now() < value <= timezone.now() + datetime.timedelta(days=int(days))


@register.filter
def percent(value) -> str:
    """0.8333 → '83%'."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%"


@register.filter
def ratio(numerator, denominator):
    return numerator / denominator if denominator else None
