"""Filter forms' selects drawn without Django's widget templates.

Django draws each option of a `Select` through two template includes, and crispy-forms adds its own
field templates: a filter bar of four selects (some 40 options) cost about 6 ms a page. A filter is
drawn instead by `includes/filter_select.html`, in the markup crispy-forms gives a select under
Bootstrap 5 (label, `form-select`, the error under it), from the options worked out here."""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class FilterSelect:
    """One select of a filter form, as `includes/filter_select.html` draws it."""

    field: forms.BoundField
    options: list[tuple[str, str, bool]]  # (value, label, chosen)


def filter_selects(form: forms.Form) -> dict[str, FilterSelect]:
    """Each select of the form with its options, the chosen one marked as Django's `Select` marks it (the
    submitted value, or the empty option before any is submitted). Other fields are left out."""
    selects = {}
    for field in form:
        if not isinstance(field.field, forms.ChoiceField):
            continue
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
