"""Property-based tests (hypothesis) over the nomination and project forms: whatever is typed, the form
never crashes, and whatever it accepts keeps the model's rules."""

import datetime
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.email_address import normalize_email
from accounts.models import Economy
from certificates.forms import VerifyForm
from certificates.models import CODE_ALPHABET, CODE_LENGTH, new_verification_code
from nominations.forms import NominationForm
from nominations.models import Nomination
from projects.forms import ProjectForm

BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
QUICK = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@QUICK
@given(
    full_name=st.text(max_size=260),
    email=st.one_of(st.emails(), st.text(max_size=60)),
    gender=st.sampled_from([*Nomination.Gender.values, "", "robot"]),
    expectations=st.text(max_size=4100),
)
def test_the_nomination_form_accepts_only_what_the_model_can_hold(full_name, email, gender, expectations):
    data = {
        "full_name": full_name,
        "gender": gender,
        "email": email,
        "designation": "Director",
        "organization": "Ministry",
        "organization_type": "government",
        "english_proficiency": "fluent",
        "expectations": expectations,
    }
    form = NominationForm(data)
    if form.is_valid():
        name = form.cleaned_data["full_name"]
        assert name == " ".join(full_name.split()) and 0 < len(name) <= 200
        assert not BIDI_CONTROLS & set(name)
        assert form.cleaned_data["email"] == normalize_email(form.cleaned_data["email"])
        assert len(form.cleaned_data["expectations"]) <= 4000
        assert gender in Nomination.Gender.values
    else:
        assert all(isinstance(message, str) for errors in form.errors.values() for message in errors)


ZONES = ["Asia/Tokyo", "Asia/Colombo", "Asia/Kathmandu", "Pacific/Fiji", "Europe/Istanbul", "Asia/Tehran"]


@pytest.mark.django_db
@QUICK
@given(
    start=st.dates(datetime.date(2020, 1, 1), datetime.date(2035, 12, 31)),
    length=st.integers(-5, 30),
    closes_before=st.integers(-10, 60),
    zone=st.sampled_from(ZONES),
    overseas=st.integers(-3, 20_000),
)
def test_the_project_form_accepts_only_consistent_dates_and_numbers(start, length, closes_before, zone, overseas):
    end = start + datetime.timedelta(days=length)
    closing = start - datetime.timedelta(days=closes_before)
    host = Economy.objects.get(code="LK")
    form = ProjectForm(
        {
            "code": "27-IN-12-GE-WSP-A",
            "title": "Property",
            "project_type": "workshop",
            "modality": "digital",
            "scope": "multicountry",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "time_zone": zone,
            "nomination_closes_at": closing.isoformat(),
            "hosting_economy": host.pk,
            "participating_economies": [host.pk],
            "overseas_participants": str(overseas),
            "local_participants": "0",
            "attendance_threshold_percent": "80",
        }
    )
    if form.is_valid():
        closes_at = form.cleaned_data["nomination_closes_at"]
        assert end >= start
        assert closes_at.astimezone(zoneinfo.ZoneInfo(zone)).date() == closing < start
        assert 0 <= overseas <= 10_000
    else:
        assert length < 0 or closes_before <= 0 or not 0 <= overseas <= 10_000


# How a verifier may spell each character of a code: as printed, in small letters, full-width (an East Asian
# input method), or a letter as the digit it is taken for on paper; and what they put between the groups.
SPELLINGS = {"O": "0", "I": "1", "B": "8"}
SEPARATORS = ["", "-", " ", "－", "\u3000", " - ", "–"]


@st.composite
def spelled_codes(draw):
    code = new_verification_code()
    spelled = []
    for position, ch in enumerate(code):
        if position and position % 4 == 0:
            spelled.append(draw(st.sampled_from(SEPARATORS)))
        way = draw(st.sampled_from(["as printed", "small", "full-width", "misread"]))
        if way == "small":
            ch = ch.lower()
        elif way == "full-width":
            ch = chr(ord(ch) + 0xFEE0)
        elif way == "misread":
            ch = SPELLINGS.get(ch, ch)
        spelled.append(ch)
    return code, "".join(spelled)


@QUICK
@given(spelled=spelled_codes())
def test_the_verify_form_reads_a_code_in_any_spelling_a_verifier_types(spelled):
    code, typed = spelled
    form = VerifyForm({"code": typed})
    assert form.is_valid(), (typed, form.errors)
    assert form.cleaned_data["code"] == code


@QUICK
@given(typed=st.text(max_size=220))
def test_the_verify_form_gives_a_code_as_stored_or_says_what_to_check(typed):
    form = VerifyForm({"code": typed})
    if form.is_valid():
        code = form.cleaned_data["code"]
        assert code == "" or (len(code) == CODE_LENGTH and set(code) <= CODE_ALPHABET)
    else:
        assert all(
            isinstance(message, str) and message
            for message in form.errors.get("code", []) + form.errors.get("__all__", [])
        )
