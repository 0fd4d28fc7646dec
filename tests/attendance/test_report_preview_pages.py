"""A large meeting report: its size is bounded, and its preview is a summary with pages (issue 15, item 11).

The speed of a 60,000-row report is measured in bench/imports.py, not here."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance import views
from attendance.models import AttendanceReport, Mark
from tests.attendance.test_imports import _upload, zoom_report
from tests.pages import page_text

ROW = "G,,8/24/2030 1:00 PM,8/24/2030 1:05 PM\n"


@pytest.mark.django_db
def test_a_report_of_more_rows_than_the_bound_is_refused_with_a_message_and_nothing_changes(
    login, secretariat, finished_project
):
    project, sessions, people = finished_project
    header = "Name (Original Name),User Email,Join Time,Leave Time\n"
    content = (header + ROW * 100_000).encode()  # 100,001 rows, 3.8 MB: under the limit in bytes
    marks = list(Mark.objects.order_by("pk").values_list("pk", "status", "source", "set_at"))
    response = login(secretariat).post(
        reverse("attendance:report_upload", args=[project.code, sessions[1].pk]),
        {"file": SimpleUploadedFile("zoom.csv", content), "time_zone": project.time_zone},
    )
    assert response.status_code == 200
    assert (
        "The file has more than 100,000 rows; the limit is 100,000 rows (and 5 MB). Nothing was imported."
        in page_text(response)
    )
    assert not AttendanceReport.objects.exists()
    assert list(Mark.objects.order_by("pk").values_list("pk", "status", "source", "set_at")) == marks


def _guests(count: int) -> list[tuple[str, str, int]]:
    """People nobody knows, the first the longest in the session: 179, 178, … minutes."""
    return [(f"Guest <b>{n:03}</b> ıI", f"guest{n:03}@webinar.example", 179 - n) for n in range(count)]


def _unmatched_names(response) -> list[str]:
    return re.findall(
        r'<label class="visually-hidden" for="assign-\d+">Participant for ([^<]*)</label>', response.content.decode()
    )


@pytest.mark.django_db
def test_the_preview_lists_people_not_matched_a_page_at_a_time_and_keeps_what_was_assigned(
    login, secretariat, finished_project
):
    project, sessions, people = finished_project
    session = sessions[1]
    client = login(secretariat)
    url = _upload(client, project, session, zoom_report(session, [("Sunil", "sunil@example.lk", 180), *_guests(60)]))

    first = client.get(url)
    text = page_text(first)
    assert "60 in the report matched no participant." in text  # the summary counts them, and lists none
    assert "Guest <b>059</b>" not in "".join(line for line in first.context["summary"])
    assert "Not matched: page 1 of 3 (1–25 of 60)" in text
    names = _unmatched_names(first)
    assert names == [f"Guest &lt;b&gt;{n:03}&lt;/b&gt; ıI" for n in range(25)]  # the longest first, escaped

    # The first of them is Rahul, who joined from a friend's account; then to the second page, by its button.
    key = first.context["unmatched_page"][0].key
    second = client.post(url, {f"assign-{key}": people["rahul"].pk, "unmatched_page": "2"})
    assert "Not matched: page 2 of 3 (26–50 of 59)" in page_text(second)
    assert _unmatched_names(second)[0] == "Guest &lt;b&gt;026&lt;/b&gt; ıI"
    assert f'<input type="hidden" name="assign-{key}" value="{people["rahul"].pk}">' in second.content.decode()

    # Applying from the second page applies what was assigned on the first.
    client.post(
        url, {f"assign-{key}": people["rahul"].pk, "apply": "", "confirm": second.context["preview"].changes_digest}
    )
    assert Mark.objects.get(session=session, nomination=people["rahul"]).status == Mark.Status.PRESENT


@pytest.mark.django_db
def test_the_preview_lists_the_participants_a_page_at_a_time(login, secretariat, finished_project, monkeypatch):
    monkeypatch.setattr(views, "PREVIEW_PARTICIPANTS_PER_PAGE", 2)
    project, sessions, people = finished_project
    client = login(secretariat)
    url = _upload(client, project, sessions[1], zoom_report(sessions[1], [("Sunil", "sunil@example.lk", 180)]))
    first = page_text(client.get(url))
    assert "Participants: page 1 of 2 (1–2 of 3)" in first
    second = page_text(client.post(url, {"preview": "", "page": "2"}))
    assert "Participants: page 2 of 2 (3–3 of 3)" in second
    # Each page shows its own; the summary above the pages counts all three.
    assert "of 3 participants" in first and "of 3 participants" in second
    assert ("Wijesinghe" in first) != ("Wijesinghe" in second)


@pytest.mark.django_db
def test_the_changes_of_existing_marks_are_shown_in_full_whatever_the_page(
    login, secretariat, finished_project, monkeypatch
):
    monkeypatch.setattr(views, "PREVIEW_UNMATCHED_PER_PAGE", 1)
    project, sessions, people = finished_project
    session = sessions[1]
    Mark.objects.filter(session=session).update(source=Mark.Source.REPORT)
    client = login(secretariat)
    report = zoom_report(session, [("Nguyễn Thị Minh Anh", "minh@example.vn", 30), *_guests(3)])
    url = _upload(client, project, session, report)
    page = page_text(client.post(url, {"preview": "", "unmatched_page": "3"}))
    assert "Not matched: page 3 of 3" in page
    assert "1 present → absent: Nguyễn Thị Minh Anh" in page
