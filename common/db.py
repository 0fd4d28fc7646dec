"""Query expressions the apps share."""

from typing import NamedTuple

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet, field: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` per outer row, 0 when there are none. `queryset` refers to the
    outer row with OuterRef, through `field` (e.g. `Mark.objects.filter(session=OuterRef("pk"))`, "session").

    Unlike `Count()` over a join, it neither multiplies the other annotations' rows nor groups the outer
    query, and it reads only the rows it counts."""
    counted = queryset.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class Bounded(NamedTuple):
    """The first rows of a list a page shows in part, and how many there are in all."""

    count: int
    items: list


def bounded(queryset: QuerySet, limit: int) -> Bounded:
    """The first `limit` rows of `queryset` and its count: one query when they are all there is, two when
    there are more (then the count is asked of the database, not read)."""
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return Bounded(len(items), items)
    return Bounded(queryset.order_by().count(), items[:limit])
