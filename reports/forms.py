from django import forms

from accounts.models import Economy
from projects.models import Project

from .selectors import Filters


class ReportFilterForm(forms.Form):
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    economy = forms.ModelChoiceField(
        queryset=Economy.objects.all(), required=False, empty_label="Every economy", to_field_name="code"
    )
    project_type = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *Project.Type.choices])
    modality = forms.ChoiceField(required=False, choices=[("", "Any modality"), *Project.Modality.choices])

    def __init__(self, *args, years: list[int], fixed_economy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Every year"), *[(y, y) for y in years]]
        self.fixed_economy = fixed_economy
        if fixed_economy is not None:
            del self.fields["economy"]  # an NPO officer's figures are their own economy's

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters(
            year=data.get("year"),
            economy=self.fixed_economy or data.get("economy"),
            project_type=data.get("project_type", ""),
            modality=data.get("modality", ""),
            announced_only=self.fixed_economy is not None,
        )
