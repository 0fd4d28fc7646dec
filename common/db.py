"""Query expressions the apps share."""

from typing import NamedTuple

from django.db.models import Count, Expression, F, Field, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet, field: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` per outer row, 0 when there are none. `queryset` refers to the
    outer row with OuterRef, through `field` (e.g. `Mark.objects.filter(session=OuterRef("pk"))`, "session").

    Unlike `Count()` over a join, it neither multiplies the other annotations' rows nor groups the outer
    query, and it reads only the rows it counts."""
    counted = queryset.order_by().values(field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def past_the_ids(text: str) -> bool:
    """Whether `text` is a whole number (a sign allowed) too large for any id: the databases' integer columns
    hold at most 2**63 - 1, and SQLite raises OverflowError for more in a lookup Django does not bound (`in`).
    Such a value is no record's, and is refused or ignored before it reaches a query."""
    digits = text.removeprefix("-")
    return digits.isascii() and digits.isdigit() and (len(digits) > 19 or int(digits) >= 2**63)


class PerRow(Expression):
    """One value for each row, by primary key, for an UPDATE of many rows in one statement:
    `CASE "id" WHEN 7 THEN 'a' WHEN 9 THEN 'b' END` (NULL for a row not listed; update only listed rows).

    `Case(When(pk=7, then=Value("a")), ...)` says the same, but Django builds and resolves a filter for each
    When: 3.4 ms of Python for each column so set in a certificate batch of twenty rows, against 0.2 ms here
    (bench/RESULTS.md). The keys and values are parameters, never SQL."""

    def __init__(self, values: dict, *, output_field: Field):
        if not values:
            raise ValueError("PerRow needs at least one row's value")
        super().__init__(output_field=output_field)
        self.values = values
        self.key = F("pk")

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, expressions):
        (self.key,) = expressions

    def as_sql(self, compiler, connection):
        key_sql, key_params = compiler.compile(self.key)
        key_field, value_field = self.key.output_field, self.output_field
        params = [*key_params]
        for key, value in self.values.items():
            params += [key_field.get_db_prep_value(key, connection), value_field.get_db_prep_value(value, connection)]
        return f"CASE {key_sql} {' '.join(['WHEN %s THEN %s'] * len(self.values))} END", params


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
