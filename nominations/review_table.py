"""The rows of the Secretariat's review table (`views.review`, nominations/review.html), as data: each
nomination the selector read as a named tuple of the columns shown, with the labels of its choices.

A page of the review holds 100 nominations: the selector reads only the columns the table shows, as tuples,
and the labels are looked up here from dictionaries made once when the module loads, not by model instances'
`get_…_display()`. The markup, and each row's links (`{% url %}`), are the template's."""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Nomination

GENDERS = dict(Nomination.Gender.choices)
ORGANIZATION_TYPES = dict(Nomination.OrganizationType.choices)
STATUSES = dict(Nomination.Status.choices)


@dataclass(frozen=True, slots=True)
class ReviewRow:
    nomination: tuple  # a row of `selectors.review_nominations`
    gender: str
    organization_type: str
    status: str


def review_rows(nominations: Iterable) -> list[ReviewRow]:
    """The table row of each nomination of `selectors.review_nominations`: no query. A value without a label
    (one no longer offered) shows as it was stored."""
    return [
        ReviewRow(
            nomination=n,
            gender=GENDERS.get(n.gender, n.gender),
            organization_type=ORGANIZATION_TYPES.get(n.organization_type, n.organization_type),
            status=STATUSES.get(n.status, n.status),
        )
        for n in nominations
    ]
