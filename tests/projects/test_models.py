import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Project, Session, end_of_day
from tests.factories import ProjectFactory, SessionFactory, economy

UTC = datetime.UTC


def test_a_closing_date_ends_at_the_last_instant_of_that_day_in_the_projects_time_zone():
    closes = end_of_day(datetime.date(2022, 8, 3), "Asia/Colombo")
    assert closes.astimezone(UTC) == datetime.datetime(2022, 8, 3, 18, 29, 59, 999999, tzinfo=UTC)
    tokyo = end_of_day(datetime.date(2022, 8, 3), "Asia/Tokyo")
    assert tokyo.astimezone(UTC) == datetime.datetime(2022, 8, 3, 14, 59, 59, 999999, tzinfo=UTC)


def _project(**overrides) -> Project:
    fields = dict(
        code="22-CP-41-GE-DLN-A",
        title="Productivity of the Public Sector",
        project_type=Project.Type.WORKSHOP,
        modality=Project.Modality.DIGITAL,
        start_date=datetime.date(2022, 8, 24),
        end_date=datetime.date(2022, 8, 26),
        time_zone="Asia/Colombo",
        nomination_closes_at=end_of_day(datetime.date(2022, 8, 3), "Asia/Colombo"),
        overseas_participants=38,
        local_participants=12,
    )
    fields.update(overrides)
    return Project(hosting_economy=economy("LK"), **fields)


def _errors(project) -> dict:
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    return caught.value.message_dict


@pytest.mark.django_db
def test_the_seed_project_is_valid():
    project = _project()
    project.full_clean()
    assert project.closing_date == datetime.date(2022, 8, 3)
    assert (project.duration_days, project.total_participants, project.venue_display) == (3, 50, "Online")


@pytest.mark.django_db
def test_a_project_must_end_on_or_after_its_start():
    errors = _errors(_project(end_date=datetime.date(2022, 8, 23)))
    assert errors["end_date"] == ["The end date must be on or after the start date."]


@pytest.mark.django_db
def test_the_database_refuses_a_project_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        _project(end_date=datetime.date(2022, 8, 1)).save()
    assert not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("closing_day", [datetime.date(2022, 8, 24), datetime.date(2022, 9, 1)])
def test_nominations_must_close_before_the_project_starts(closing_day):
    errors = _errors(_project(nomination_closes_at=end_of_day(closing_day, "Asia/Colombo")))
    assert errors["nomination_closes_at"] == ["Nominations must close before the project starts on 24 August 2022."]


@pytest.mark.django_db
def test_the_closing_day_is_read_in_the_projects_time_zone():
    # 23 Aug 23:59 in Colombo is already 24 Aug in Tokyo: still valid, because the project is in Colombo.
    project = _project(nomination_closes_at=end_of_day(datetime.date(2022, 8, 23), "Asia/Colombo"))
    project.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["22-CP-41-GE-DLN", "22-cp-41-ge-dln-a", "Productivity", "2022-CP-41-GE-DLN-A", ""])
def test_project_codes_follow_the_apo_format(code):
    errors = _errors(_project(code=code))
    assert "code" in errors


@pytest.mark.django_db
def test_project_codes_are_unique():
    ProjectFactory(code="22-CP-41-GE-DLN-A")
    errors = _errors(_project(code="22-CP-41-GE-DLN-A"))
    assert errors["code"] == ["Project with this Project code already exists."]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["overseas_participants", "local_participants", "per_economy_limit"])
def test_participant_numbers_are_not_negative(field):
    errors = _errors(_project(**{field: -1}))
    assert errors[field] == ["Ensure this value is greater than or equal to 0."]


@pytest.mark.django_db
def test_a_session_must_fall_within_the_projects_dates_in_its_time_zone():
    project = ProjectFactory(
        start_date=datetime.date(2030, 8, 24), end_date=datetime.date(2030, 8, 26), time_zone="Asia/Colombo"
    )
    colombo = zoneinfo.ZoneInfo("Asia/Colombo")
    inside = Session(
        project=project,
        title="Day 1",
        starts_at=datetime.datetime(2030, 8, 24, 13, tzinfo=colombo),
        ends_at=datetime.datetime(2030, 8, 24, 16, tzinfo=colombo),
    )
    inside.full_clean()
    # 26 Aug 23:00 in Colombo is 27 Aug in Tokyo, and still inside the project.
    late = Session(
        project=project,
        title="Late",
        starts_at=datetime.datetime(2030, 8, 26, 22, tzinfo=colombo),
        ends_at=datetime.datetime(2030, 8, 26, 23, tzinfo=colombo),
    )
    late.full_clean()
    outside = Session(
        project=project,
        title="Day 4",
        starts_at=datetime.datetime(2030, 8, 27, 9, tzinfo=colombo),
        ends_at=datetime.datetime(2030, 8, 27, 10, tzinfo=colombo),
    )
    errors = _errors(outside)
    assert errors["__all__"] == [
        "Sessions must fall within the project's dates, 24 August to 26 August 2030 (Asia/Colombo)."
    ]


@pytest.mark.django_db
def test_a_session_must_end_after_it_starts():
    session = SessionFactory.build(project=ProjectFactory())
    session.ends_at = session.starts_at
    assert _errors(session)["__all__"] == ["A session must end after it starts."]
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


# Rows written past the forms (the shell, a script): a date no page can show is refused by the database itself.
_OUT_OF_RANGE_DAYS = [datetime.date(9999, 12, 31), datetime.date(1, 1, 1), datetime.date(2100, 1, 1)]
# An instant may fall a day either side of those years, for the time zones (2100-01-01 noon in UTC is still
# 31 December 2099 somewhere): the first day refused is 2 January 2100.
_OUT_OF_RANGE_INSTANT_DAYS = [datetime.date(9999, 12, 31), datetime.date(1, 1, 1), datetime.date(2100, 1, 2)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, day",
    [("start_date", day) for day in _OUT_OF_RANGE_DAYS]
    + [("end_date", day) for day in _OUT_OF_RANGE_DAYS]
    + [("nomination_closes_at", day) for day in _OUT_OF_RANGE_INSTANT_DAYS],
)
def test_the_database_refuses_a_project_dated_outside_2000_to_2099(field, day):
    start, end = datetime.date(2022, 8, 24), datetime.date(2022, 8, 26)
    if field == "nomination_closes_at":
        overrides = {field: datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)}
    else:  # the other date moved too where needed, so that only this constraint can refuse the row
        overrides = {"start_date": min(day, start), "end_date": max(day, end), field: day}
    with pytest.raises(IntegrityError, match="projects_project_in_project_years"), transaction.atomic():
        _project(**overrides).save()
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_the_first_and_last_days_a_project_code_can_carry_are_kept():
    project = _project(
        start_date=datetime.date(2000, 1, 1),
        end_date=datetime.date(2099, 12, 31),
        nomination_closes_at=end_of_day(datetime.date(2099, 12, 30), "Pacific/Kiritimati"),
    )
    project.save()
    far_west = end_of_day(datetime.date(2099, 12, 31), "Etc/GMT+12")  # 2100-01-01 11:59 in UTC
    Project.objects.filter(pk=project.pk).update(nomination_closes_at=far_west)
    assert Project.objects.get().nomination_closes_at == far_west


@pytest.mark.django_db
@pytest.mark.parametrize("day", _OUT_OF_RANGE_INSTANT_DAYS)
def test_the_database_refuses_a_session_held_outside_2000_to_2099(day):
    session = SessionFactory.build(project=ProjectFactory())
    session.starts_at = datetime.datetime.combine(day, datetime.time(9), tzinfo=UTC)
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    with pytest.raises(IntegrityError, match="projects_session_in_project_years"), transaction.atomic():
        session.save()
    assert not Session.objects.exists()
