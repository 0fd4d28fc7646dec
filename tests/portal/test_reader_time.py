"""PRODUCT.md rule 13: every time a person reads is in their zone and labelled with it, with the project's
beside it where it matters; exports give instants with their offset in the project's zone."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory, SessionFactory, economy
from tests.pages import page_text

COLOMBO = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
# 23:59 on 3 August in Colombo is 03:29 on 4 August in Tokyo, the Secretariat officer's zone.
CLOSES = datetime.datetime(2030, 8, 3, 23, 59, 59, tzinfo=COLOMBO)


@pytest.fixture
def colombo_project(db):
    project = ProjectFactory(
        time_zone="Asia/Colombo",
        start_date=datetime.date(2030, 8, 24),
        end_date=datetime.date(2030, 8, 24),
        nomination_closes_at=CLOSES,
        participating_economies=["LK"],
    )
    SessionFactory(
        project=project,
        title="Opening",
        starts_at=datetime.datetime(2030, 8, 24, 13, tzinfo=COLOMBO),
        ends_at=datetime.datetime(2030, 8, 24, 16, tzinfo=COLOMBO),
    )
    NominationFactory(
        project=project,
        economy=economy("LK"),
        status=Nomination.Status.SELECTED,
        full_name="Anna Perera",
        submitted_at=datetime.datetime(2030, 7, 1, 18, 45, tzinfo=datetime.UTC),  # 2 July 00:15 in Colombo
    )
    return project


@pytest.mark.django_db
def test_the_register_heads_are_in_the_zone_the_footer_names(login, secretariat, colombo_project):
    page = page_text(login(secretariat).get(reverse("attendance:register", args=[colombo_project.code])))
    assert "1. Opening 24 Aug 16:30 your time (Asia/Tokyo) All present" in page  # 13:00 in Colombo
    assert "Times are shown in Asia/Tokyo" in page


@pytest.mark.django_db
def test_the_review_and_extension_pages_give_the_readers_zone_and_the_projects(login, secretariat, colombo_project):
    client = login(secretariat)
    both = "4 August 2030, 03:29 your time (Asia/Tokyo) · 3 August 2030, 23:59 project time (Asia/Colombo)"
    review = page_text(client.get(reverse("nominations:review", args=[colombo_project.code])))
    assert f"Nominations close {both}, " in review or f"Nominations closed {both}." in review
    extension = page_text(client.get(reverse("nominations:extension", args=[colombo_project.code])))
    assert f"Nominations close {both}." in extension


@pytest.mark.django_db
def test_exports_give_times_with_their_offset_in_the_projects_zone(login, secretariat, colombo_project):
    client = login(secretariat)
    response = client.get(reverse("nominations:export", args=[colombo_project.code, "csv"]))
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert dict(zip(header, row, strict=True))["Submitted (ISO 8601, Asia/Colombo)"] == "2030-07-02T00:15:00+05:30"
    response = client.get(reverse("nominations:export", args=[colombo_project.code, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = [[cell.value for cell in r] for r in sheet.iter_rows(min_row=2)]
    assert dict(zip(header, row, strict=True))["Submitted (ISO 8601, Asia/Colombo)"] == "2030-07-02T00:15:00+05:30"


def _render(source: str, **context) -> str:
    from django.template import Context, Template

    return Template("{% load portal %}" + source).render(Context(context))


def test_the_tag_labels_the_readers_zone_and_hides_the_projects_while_they_agree():
    from django.utils import timezone

    with timezone.override("Asia/Colombo"):
        html = _render("{% reader_time t project_zone='Asia/Colombo' %}", t=CLOSES)
    assert '<time datetime="2030-08-03T23:59:59+05:30" data-format="j F Y, H:i">3 August 2030, 23:59</time>' in html
    assert "your time (Asia/Colombo)" in html
    assert '<span data-project-time data-project-zone="Asia/Colombo" hidden>' in html  # shown by portal.js if needed
    assert _render("[{% reader_time t %}]", t=None) == "[]"
