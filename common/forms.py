"""Selects, fast: the portal's form renderer, and the selects of filter bars.

`PortalFormRenderer` (settings.FORM_RENDERER) is Django's renderer with `<select>` drawn in Python.
Django draws each option through two template includes (the option, then its attributes): some 50 µs
an option, 20 ms for the 600 time zones of the profile form. It makes the same HTML, character for
character, from the same context (tests/portal/test_forms.py compares the two), and leaves every other
template to Django.

`filter_selects` serves the filter bars above long lists (catalogue, review, reports), which are
drawn on every page of a list: `includes/filter_select.html` draws each select in the markup
crispy-forms gives it under Bootstrap 5 (label, `form-select`, the error under it) without crispy's
field templates, another 0.2 ms a select. Forms that people fill in keep crispy-forms."""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.timezone import template_localtime

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT and widget and _plain_options(widget):
            return select_html(widget)
        return super().render(template_name, context, request)


def _plain_options(widget: dict) -> bool:
    """Every option uses Django's own option template (a widget may name another)."""
    return all(option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _shown(value) -> str:
    """A {{ value }} of a template: localized, then escaped."""
    return conditional_escape(localize(template_localtime(value)))


def select_html(widget: dict) -> str:
    """django/forms/widgets/select.html and select_option.html, as one string."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"  # the option template's last line break
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


# ------------------------------------------------------------------------------------------- filter bars


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
