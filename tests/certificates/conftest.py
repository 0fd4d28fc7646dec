import datetime

import pytest
from django.utils import timezone

from attendance.models import Mark
from nominations.models import Nomination
from tests.factories import NominationFactory, ParticipantFactory, ProjectFactory, SessionFactory, economy


@pytest.fixture
def finished_project(db):
    """A workshop whose two sessions have ended, with three participants:
    Minh attended both, Rahul both (one late), Sunil missed the second."""
    start = timezone.localdate() - datetime.timedelta(days=10)
    project = ProjectFactory(
        code="26-CP-41-GE-DLN-A",
        title="Productivity of the Public Sector",
        time_zone="Asia/Colombo",
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        hosting_economy=economy("LK"),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=30),
        participating_economies=["LK", "VN", "IN"],
    )
    sessions = [
        SessionFactory(
            project=project,
            title=f"Day {i + 1}",
            starts_at=datetime.datetime.combine(
                start + datetime.timedelta(days=i), datetime.time(13), tzinfo=project.zone
            ),
            ends_at=datetime.datetime.combine(
                start + datetime.timedelta(days=i), datetime.time(16), tzinfo=project.zone
            ),
        )
        for i in range(2)
    ]
    people = {
        "minh": NominationFactory(
            project=project,
            economy=economy("VN"),
            status=Nomination.Status.SELECTED,
            full_name="Nguyễn Thị Minh Anh",
            email="minh@example.vn",
            participant=ParticipantFactory(email="minh@example.vn"),
        ),
        "rahul": NominationFactory(
            project=project,
            economy=economy("IN"),
            status=Nomination.Status.SELECTED,
            full_name="राजेश कुमार",
            email="rahul@example.in",
        ),
        "sunil": NominationFactory(
            project=project,
            economy=economy("LK"),
            status=Nomination.Status.SELECTED,
            full_name="Sunil Wijesinghe",
            email="sunil@example.lk",
        ),
    }
    marks = {
        ("minh", 0): "present",
        ("minh", 1): "present",
        ("rahul", 0): "late",
        ("rahul", 1): "present",
        ("sunil", 0): "present",
        ("sunil", 1): "absent",
    }
    for (who, day), status in marks.items():
        Mark.objects.create(
            session=sessions[day], nomination=people[who], status=status, source="staff", set_at=timezone.now()
        )
    return project, sessions, people
