"""Every select is drawn by Django's own renderer and widget templates: no renderer of the portal's own."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from accounts.forms import ProfileForm
from reports.forms import ReportFilterForm


class EveryKindOfSelect(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "Alpha"), ("b", "Beta")])
    grouped = forms.ChoiceField(
        choices=[("Asia", [("jp", "Japan"), ("lk", "Sri Lanka")]), ("Europe & more", [("tr", "Türkiye")]), ("x", "X")]
    )
    numbers = forms.TypedChoiceField(choices=[(2026, 2026), (1000000, 1000000), (1.5, 1.5)], coerce=int)
    dates = forms.ChoiceField(choices=[(datetime.date(2026, 11, 30), datetime.date(2026, 11, 30))])
    hostile = forms.ChoiceField(choices=[('"><script>', "<b>&amp; 'quoted'</b>")], required=False)
    several = forms.MultipleChoiceField(choices=[("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")])
    disabled = forms.ChoiceField(choices=[("a", "Alpha")], disabled=True)
    styled = forms.ChoiceField(
        choices=[("a", "Alpha")],
        widget=forms.Select(attrs={"class": "form-select", "data-x": "1 < 2", "autofocus": True}),
    )


def _drawn_both_ways(field: forms.BoundField) -> tuple[str, str]:
    """The field's widget drawn by the form's renderer (from the settings) and by Django's own."""
    ours = field.as_widget()
    assert type(field.form.renderer) is DjangoTemplates
    portal, field.form.renderer = field.form.renderer, DjangoTemplates()
    try:
        return ours, field.as_widget()
    finally:
        field.form.renderer = portal


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "grouped": "lk", "numbers": "1000000", "several": ["a", "c"], "hostile": '"><script>'},
        {"plain": "nonsense", "grouped": "", "several": ["z"]},
    ],
)
def test_every_select_is_the_html_django_makes(data):
    for field in EveryKindOfSelect(data):
        ours, djangos = _drawn_both_ways(field)
        assert ours == djangos, field.name
        assert ours.startswith("<select")


@pytest.mark.django_db
def test_the_portal_forms_selects_too(secretariat):
    """The reports' filters, economies from the database included (the profile's time zone is a text field
    with a list to search, accounts.forms.TimeZoneField; tests/accounts/test_views.py)."""
    selects = [
        field
        for form in (ProfileForm(instance=secretariat), ReportFilterForm({"year": "2025"}, years=[2026, 2025]))
        for field in form
        if isinstance(field.field.widget, forms.Select)
    ]
    assert {field.name for field in selects} >= {"year", "economy", "project_type", "modality"}
    for field in selects:
        ours, djangos = _drawn_both_ways(field)
        assert ours == djangos, field.name
