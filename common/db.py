"""Query expressions the apps share."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet, field: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` per outer row, 0 when there are none. `queryset` refers to the
    outer row with OuterRef, through `field` (e.g. `Mark.objects.filter(session=OuterRef("pk"))`, "session").

    Unlike `Count()` over a join, it neither multiplies the other annotations' rows nor groups the outer
    query, and it reads only the rows it counts."""
    counted = queryset.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
