"""Until the Secretariat announces a project's results, an NPO sees its submitted nominations as under
review, on every page, export, history and count (PRODUCT.md rule 11); the announcement shows it the
decisions (issue 14, item 6)."""

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse

from audit.services import audit_log
from nominations import services
from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory
from tests.pages import page_text

Status = Nomination.Status
pytestmark = pytest.mark.django_db
DECIDED = {"Amara": Status.SELECTED, "Bandula": Status.WAITLISTED, "Chathura": Status.REJECTED}


@pytest.fixture
def decided(secretariat, django_capture_on_commit_callbacks):
    """Sri Lanka's three candidates, each decided on by the Secretariat, nothing announced yet; the
    reports' figures refreshed as after a commit."""
    project = ProjectFactory(code="26-CP-77-GE-DLN-A")
    with django_capture_on_commit_callbacks(execute=True):
        for rank, (name, decision) in enumerate(DECIDED.items(), start=1):
            nomination = NominationFactory(project=project, full_name=name, priority_rank=rank)
            services.nomination_decide(actor=secretariat, nomination=nomination, to=decision, note=f"Note on {name}")
    return project


def _announce(secretariat, project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.project_announce(actor=secretariat, project=project, base_url="https://portal.example")


def _export_statuses(client, project) -> dict[str, str]:
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("nominations:export", args=[project.code, "csv"])).content.decode("utf-8-sig")
            )
        )
    )
    return {row["Name (as on certificate)"]: row["Status"] for row in rows}


def test_an_npo_sees_decisions_only_once_they_are_announced(
    login, npo_officer, secretariat, decided, django_capture_on_commit_callbacks
):
    client = login(npo_officer)
    economy_page = page_text(client.get(reverse("nominations:economy", args=[decided.code])))
    assert economy_page.count("Under review") == 3
    for label in ("Selected", "Wait-listed", "Rejected"):
        assert label not in economy_page
    amara = Nomination.objects.get(full_name="Amara")
    detail = page_text(client.get(reverse("nominations:detail", args=[amara.pk])))
    assert "Under review" in detail and "Selected" not in detail and "Note on Amara" not in detail
    assert _export_statuses(client, decided) == dict.fromkeys(DECIDED, "Under review")

    _announce(secretariat, decided, django_capture_on_commit_callbacks)
    economy_page = page_text(client.get(reverse("nominations:economy", args=[decided.code])))
    assert "Under review" not in economy_page
    assert "Amara" in economy_page and "Selected" in economy_page and "Wait-listed" in economy_page
    detail = page_text(client.get(reverse("nominations:detail", args=[amara.pk])))
    assert "Submitted → Selected" in detail and "“Note on Amara”" in detail
    assert _export_statuses(client, decided) == {"Amara": "Selected", "Bandula": "Wait-listed", "Chathura": "Rejected"}


def test_the_secretariat_sees_its_decisions_at_once(login, secretariat, decided):
    client = login(secretariat)
    assert _export_statuses(client, decided) == {"Amara": "Selected", "Bandula": "Wait-listed", "Chathura": "Rejected"}
    amara = Nomination.objects.get(full_name="Amara")
    assert "Submitted → Selected" in page_text(client.get(reverse("nominations:detail", args=[amara.pk])))


def test_a_change_after_the_announcement_waits_for_the_next_one(
    login, npo_officer, secretariat, decided, django_capture_on_commit_callbacks
):
    _announce(secretariat, decided, django_capture_on_commit_callbacks)
    amara = Nomination.objects.get(full_name="Amara")
    services.nomination_decide(actor=secretariat, nomination=amara, to=Status.REJECTED, note="Second thoughts")
    client = login(npo_officer)
    detail = page_text(client.get(reverse("nominations:detail", args=[amara.pk])))
    assert "Selected" in detail and "Rejected" not in detail and "Second thoughts" not in detail
    assert _export_statuses(client, decided)["Amara"] == "Selected"

    # The NPO withdraws Amara: its history reads as a move from what it was told, not from the rejection.
    client.post(
        reverse("nominations:action", args=[amara.pk, "withdraw"]), {"note": "Took another job", "confirm": "1"}
    )
    detail = page_text(client.get(reverse("nominations:detail", args=[amara.pk])))
    assert "Selected → Withdrawn" in detail and "Rejected" not in detail


def test_the_npo_reports_count_a_selection_once_it_is_announced(
    login, npo_officer, secretariat, decided, django_capture_on_commit_callbacks
):
    def selected_on_dashboard(user):
        page = page_text(login(user).get(reverse("reports:dashboard")))
        return page.split("Selected participants ", 1)[1].split(" ", 1)[0]

    def exported(user):
        export = login(user).get(reverse("reports:export", args=["economies", "csv"]))
        return list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1:]

    assert selected_on_dashboard(npo_officer) == "0"
    assert exported(npo_officer) == [["Sri Lanka", "3", "0", "0", "0"]]
    assert selected_on_dashboard(secretariat) == "1"  # the Secretariat counts its own decisions at once

    _announce(secretariat, decided, django_capture_on_commit_callbacks)
    assert selected_on_dashboard(npo_officer) == "1"
    assert exported(npo_officer) == [["Sri Lanka", "3", "1", "0", "0"]]


def test_the_npo_participation_page_lists_a_candidate_once_the_selection_is_announced(
    login, npo_officer, secretariat, decided, django_capture_on_commit_callbacks
):
    url = reverse("attendance:participants", args=[decided.code])
    assert "Amara" not in page_text(login(npo_officer).get(url))
    assert "Amara" in page_text(login(secretariat).get(url))
    _announce(secretariat, decided, django_capture_on_commit_callbacks)
    assert "Amara" in page_text(login(npo_officer).get(url))


def test_projects_announced_before_the_upgrade_keep_showing_their_decisions(secretariat):
    migration = importlib.import_module("nominations.migrations.0003_announced_status")
    announced, pending = ProjectFactory(), ProjectFactory()
    told = NominationFactory(project=announced, status=Status.WAITLISTED, announced_status="")
    untold = NominationFactory(project=pending, status=Status.SELECTED, announced_status="")
    entry = audit_log(actor=secretariat, action="nominations.project.announced", target=announced)
    migration.announced_as_they_stand(apps, None)
    told.refresh_from_db()
    untold.refresh_from_db()
    assert (told.announced_status, told.announced_at) == (Status.WAITLISTED, entry.created_at)
    assert (untold.announced_status, untold.announced_at) == ("", None)
