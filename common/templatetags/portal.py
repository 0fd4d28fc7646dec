import datetime
import zoneinfo

from django import template
from django.template import engines
from django.templatetags.tz import do_timezone
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil

from common.zones import iso_in_zone

register = template.Library()


@register.inclusion_tag("includes/reader_time.html")
def reader_time(value, format="j F Y, H:i", end=None, end_format="H:i", project_zone=None):
    """A time for a reader: the instant `value` (to `end`, for a range) in the reader's time zone, labelled
    with it, and with `project_zone` the same in the project's beside it (hidden while the two agree).

    The one way the portal prints a time for a person (PRODUCT.md rule 13). Each instant is a <time>
    element whose text is the server's rendering, in the zone the request activated
    (accounts.middleware.TimezoneMiddleware); where the server had to guess that zone, static/js/portal.js
    rewrites the text and the label into the browser's zone as the page loads."""
    if value is None:
        return {"value": None}
    reader = timezone.get_current_timezone()
    project = zoneinfo.ZoneInfo(str(project_zone)) if project_zone else None

    def shown(zone):
        text = dateformat.format(timezone.localtime(value, zone), format)
        if end is not None:
            text += "–" + dateformat.format(timezone.localtime(end, zone), end_format)
        return text

    return {
        "value": value,
        "iso": iso_in_zone(value, reader),
        "format": format,
        "text": dateformat.format(timezone.localtime(value, reader), format),
        "end": end,
        "end_iso": iso_in_zone(end, reader),
        "end_format": end_format,
        "end_text": end and dateformat.format(timezone.localtime(end, reader), end_format),
        "reader_zone": timezone.get_current_timezone_name(),
        "project_zone": str(project) if project else "",
        "project_text": shown(project) if project else "",
    }


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


@register.simple_tag
def jinja(template_name, **context):
    """`{% jinja "attendance/register_rows.jinja" rows=rows project=project %}`: a part of a page drawn by the
    Jinja2 backend (common/jinja2.py), given only what it is passed. The fast path for a table too large for
    Django's engine; Jinja2 escapes what it prints, so its output is safe to place as it is."""
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))
