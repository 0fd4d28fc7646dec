from django import forms

from accounts.forms import TimeZoneField

from .meeting_reports import MAX_REPORT_BYTES, MAX_REPORT_ROWS


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label="Zoom or Teams attendance report",
        help_text=f"The file as Zoom or Teams exports it (.csv), at most {MAX_REPORT_BYTES // 1024 // 1024} MB and "
        f"{MAX_REPORT_ROWS:,} rows.",
    )
    time_zone = TimeZoneField(help_text="The time zone of the account that exported the report (type to search).")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_REPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {uploaded.size / 1024 / 1024:.1f} MB; the limit is {MAX_REPORT_BYTES // 1024 // 1024} MB."
            )
        return uploaded


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
