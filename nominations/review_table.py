"""What the Secretariat's review page (`views.review`) draws in Python: its table rows and the links of its
promotion suggestions. (Its filters are drawn as `common.forms` explains.)

A page of the review holds 100 nominations. Through the template engine each row cost an include (the
status badge), a `{% url %}`, three `get_…_display()` calls and a dozen variable look-ups, some 80 µs a
row. Here a row is one `str.format` of the values the selector read, the labels
are escaped once when the module loads, the URLs of a page's nominations come from one `reverse()` per
URL name, and a status badge is drawn once per status from the same `_status_badge.html` the other pages
include, so that a badge looks the same wherever it is shown.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.web import EACH_ID, url_for_each_id

from .models import Nomination

GENDERS = {value: escape(label) for value, label in Nomination.Gender.choices}
ORGANIZATION_TYPES = {value: escape(label) for value, label in Nomination.OrganizationType.choices}

ROW = (
    "<tr>"
    '<td><input class="form-check-input" type="checkbox" name="nominations" value="{pk}" id="pick-{pk}"'
    ' aria-label="Choose {full_name}"></td>'
    "<td>{economy}</td>"
    "<td>{priority_rank}</td>"
    '<td><a href="{url}">{full_name}</a><br><span class="small text-body-secondary">{designation}</span></td>'
    "<td>{organization}<br>"
    '<span class="small text-body-secondary">{organization_type} · {origin}</span></td>'
    "<td>{gender}</td>"
    "<td>{attachment_count}/3</td>"
    "<td>{badge}</td>"
    "</tr>\n"
)


def review_rows(nominations: Iterable) -> list[SafeString]:
    """The table row of each nomination of `selectors.review_nominations`: no query."""
    detail_url = url_for_each_id("nominations:detail", EACH_ID)
    badges: dict[str, SafeString] = {}
    economies: dict[str, SafeString] = {}
    rows = []
    for n in nominations:
        if n.status not in badges:
            badges[n.status] = render_to_string(
                "nominations/_status_badge.html", {"status": n.status, "label": Nomination.Status(n.status).label}
            )
        if n.economy_name not in economies:
            economies[n.economy_name] = escape(n.economy_name)
        # str.format, not format_html, which costs three times as much: every text is escaped, here (what the
        # NPO typed, the economy) or above (the labels); the rest are numbers, a URL of digits and the badge.
        html = ROW.format(
            pk=n.pk,
            url=detail_url(n.pk),
            economy=economies[n.economy_name],
            priority_rank=n.priority_rank,
            full_name=escape(n.full_name),
            designation=escape(n.designation),
            organization=escape(n.organization),
            organization_type=ORGANIZATION_TYPES.get(n.organization_type) or escape(n.organization_type),
            origin="overseas" if n.is_overseas else "local",
            gender=GENDERS.get(n.gender) or escape(n.gender),
            attachment_count=n.attachment_count,
            badge=badges[n.status],
        )
        rows.append(mark_safe(html))
    return rows


@dataclass(frozen=True)
class Suggestion:
    """A wait-listed candidate the Secretariat may promote (`selectors.promotion_suggestions`), with the
    URLs of their page and of the action that selects them."""

    nomination: Nomination
    url: str
    select_url: str


def suggestion_links(suggestions: Iterable[Nomination]) -> list[Suggestion]:
    detail_url = url_for_each_id("nominations:detail", EACH_ID)
    select_url = url_for_each_id("nominations:action", EACH_ID, Nomination.Status.SELECTED)
    return [Suggestion(nomination=n, url=detail_url(n.pk), select_url=select_url(n.pk)) for n in suggestions]
