"""What the Secretariat's review page (`views.review`) draws in Python: its table rows, its filters and the
links of its promotion suggestions.

A page of the review holds 100 nominations. Through the template engine each row cost an include (the
status badge), a `{% url %}`, three `get_…_display()` calls and a dozen variable look-ups, some 80 µs a
row; the four filters, drawn by crispy-forms through Django's widget templates (two includes per option,
40 options), cost about 6 ms. Here a row is one `str.format` of the values the selector read, the labels
are escaped once when the module loads, the URLs of a page's nominations come from one `reverse()` per
URL name, and a status badge is drawn once per status from the same `_status_badge.html` the other pages
include, so that a badge looks the same wherever it is shown. The filters keep the markup crispy-forms
gives them (Bootstrap 5), drawn by `_filter_select.html` from the options worked out here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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

_ANY_PK = 4_000_000_007  # stands for the id in a reversed URL: no other part of a nomination's URL holds it


def nomination_url(name: str, *args) -> Callable[[int], str]:
    """`reverse(name, args=[pk, *args])` for any nomination, from one `reverse()`: a nomination's URLs
    differ from another's only by its id."""
    before, _, after = reverse(name, args=[_ANY_PK, *args]).partition(str(_ANY_PK))
    return lambda pk: f"{before}{pk}{after}"


def review_rows(nominations: Iterable) -> list[SafeString]:
    """The table row of each nomination of `selectors.review_nominations`: no query."""
    detail_url = nomination_url("nominations:detail")
    badges: dict[str, SafeString] = {}
    economies: dict[str, SafeString] = {}
    rows = []
    for n in nominations:
        if n.status not in badges:
            badges[n.status] = render_to_string("nominations/_status_badge.html", {"n": Nomination(status=n.status)})
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
    detail_url = nomination_url("nominations:detail")
    select_url = nomination_url("nominations:action", Nomination.Status.SELECTED)
    return [Suggestion(nomination=n, url=detail_url(n.pk), select_url=select_url(n.pk)) for n in suggestions]


@dataclass(frozen=True)
class FilterSelect:
    """One filter of the review page as `_filter_select.html` draws it."""

    field: forms.BoundField
    options: list[tuple[str, str, bool]]  # (value, label, chosen)


def filter_selects(form: forms.Form) -> dict[str, FilterSelect]:
    """Each select of the filter form with its options, the chosen one marked as Django's `Select` marks it
    (the submitted value, or the empty option before any is submitted)."""
    selects = {}
    for field in form:
        chosen = field.value()
        chosen = "" if chosen is None else str(chosen)
        options = [(str(value), label, str(value) == chosen) for value, label in _choices(field.field)]
        selects[field.name] = FilterSelect(field=field, options=options)
    return selects


def _choices(field: forms.Field) -> Iterable[tuple]:
    if isinstance(field, forms.ModelChoiceField):
        # The choices ModelChoiceIterator gives, from one plain query: it reads with .iterator(), a
        # server-side cursor on PostgreSQL, three round trips for the 21 economies.
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        return empty + [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset]
    return field.choices
