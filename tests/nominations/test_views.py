import csv
import datetime
import html
import io
import re
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from audit.models import AuditEntry
from nominations.models import Attachment, DeadlineExtension, Nomination
from tests.factories import NominationFactory, ProjectFactory, candidate, document_fields, economy
from tests.pages import page_text

Status = Nomination.Status


_text = page_text


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the NPO officer's pages


@pytest.mark.django_db
def test_an_npo_officer_submits_a_candidate_and_sees_it_ranked(login, npo_officer):
    project = ProjectFactory(per_economy_limit=2)
    client = login(npo_officer)
    response = client.post(
        reverse("nominations:create", args=[project.code]), {**candidate(), **document_fields(), "submit": ""}
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("nominations:detail", args=[nomination.pk])
    assert (nomination.status, nomination.economy.code, nomination.created_by) == (Status.SUBMITTED, "LK", npo_officer)
    page = _text(client.get(reverse("nominations:economy", args=[project.code])))
    assert "Sri Lanka's nominations" in page and "Nguyễn Văn An" in page and "Under review" in page
    assert "At most 2 participants from each economy will be selected." in page


@pytest.mark.django_db
def test_saving_as_draft_keeps_it_from_the_secretariat(login, npo_officer, secretariat):
    project = ProjectFactory()
    login(npo_officer).post(reverse("nominations:create", args=[project.code]), {**candidate(), "draft": ""})
    nomination = Nomination.objects.get()
    assert nomination.status == Status.DRAFT
    assert login(secretariat).get(reverse("nominations:detail", args=[nomination.pk])).status_code == 404
    review = login(secretariat).get(reverse("nominations:review", args=[project.code]))
    assert list(review.context["page"].object_list) == []


@pytest.mark.django_db
def test_posted_status_economy_or_rank_fields_change_nothing(login, npo_officer):
    project = ProjectFactory(participating_economies=["LK", "PH"])
    login(npo_officer).post(
        reverse("nominations:create", args=[project.code]),
        {
            **candidate(),
            "status": "selected",
            "economy": economy("PH").pk,
            "priority_rank": "1",
            "participant": "1",
            "project": "999",
            "is_overseas": "false",
        },
    )
    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.economy.code, nomination.participant) == (Status.DRAFT, "LK", None)


@pytest.mark.django_db
def test_the_same_candidate_twice_gets_a_clear_message_on_the_form(login, npo_officer):
    project = ProjectFactory()
    NominationFactory(project=project, email="an@example.org")
    response = login(npo_officer).post(
        reverse("nominations:create", args=[project.code]), candidate(email="An@Example.org")
    )
    assert response.status_code == 200
    assert "This candidate (same e-mail address) is already nominated for this project." in _text(response)
    assert Nomination.objects.count() == 1


@pytest.mark.django_db
def test_after_the_closing_date_the_pages_say_so_and_posts_change_nothing(login, npo_officer):
    project = ProjectFactory(
        time_zone="Asia/Colombo", nomination_closes_at=datetime.datetime(2026, 1, 10, 18, 29, 59, tzinfo=datetime.UTC)
    )
    project.start_date = max(project.start_date, datetime.date(2026, 2, 1))
    nomination = NominationFactory(project=project, status=Status.DRAFT, full_name="Draft Person")
    client = login(npo_officer)
    page = _text(client.get(reverse("nominations:economy", args=[project.code])))
    assert "Nominations closed on 10 January 2026, 23:59 your time (Asia/Colombo)" in page
    assert "Nominate a candidate" not in page
    detail = _text(client.get(reverse("nominations:detail", args=[nomination.pk])))
    assert "Everything here is read-only" in detail and "Submit to the APO Secretariat" not in detail
    response = client.post(reverse("nominations:create", args=[project.code]), candidate(), follow=True)
    assert f"Nominations for {project.code} closed on 10 January 2026, 23:59 your time (Asia/Colombo)." in _text(
        response
    )
    client.post(reverse("nominations:edit", args=[nomination.pk]), candidate(full_name="Changed"))
    client.post(reverse("nominations:action", args=[nomination.pk, "submit"]))
    nomination.refresh_from_db()
    assert (nomination.full_name, nomination.status, Nomination.objects.count()) == ("Draft Person", Status.DRAFT, 1)


@pytest.mark.django_db
def test_reordering_moves_a_candidate_without_retyping(login, npo_officer):
    project = ProjectFactory()
    first = NominationFactory(project=project, priority_rank=1, full_name="First")
    second = NominationFactory(project=project, priority_rank=2, full_name="Second")
    response = login(npo_officer).post(reverse("nominations:move", args=[second.pk, "up"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    table = _text(response)
    assert table.index("Second") < table.index("First") and "<html" not in table  # only the table, for htmx
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.priority_rank, first.priority_rank) == (1, 2)


# ---------------------------------------------------------------- attachments


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, file_type",
    [
        ("biodata.pdf", b"%PDF-1.7\n%test\n", "pdf"),
        ("cv.docx", _docx(), "docx"),
        ("form.xlsx", _xlsx(), "xlsx"),
        ("biodata-no-extension", b"%PDF-1.4 judged by content", "pdf"),
    ],
)
def test_documents_are_judged_by_content_and_stored_under_generated_names(login, npo_officer, name, content, file_type):
    nomination = NominationFactory(status=Status.DRAFT)
    response = login(npo_officer).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"kind": "cv", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert "Curriculum vitae uploaded." in _text(response)
    attachment = Attachment.objects.get()
    assert (attachment.file_type, attachment.original_name, attachment.size) == (file_type, name, len(content))
    assert re.fullmatch(rf"nominations/{nomination.project_id}/[0-9a-f]{{32}}", attachment.file.name)
    download = login(npo_officer).get(reverse("nominations:attachment", args=[nomination.pk, "cv"]))
    assert download["Content-Disposition"] == f'attachment; filename="{attachment.download_name}"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


@pytest.mark.django_db
def test_each_candidate_s_cv_downloads_under_their_own_name(login, npo_officer):
    project = ProjectFactory(code="27-RP-03-GE-CON-A")
    people = [
        NominationFactory(project=project, status=Status.DRAFT, full_name=name)
        for name in ("Nimal Perera", "Đặng Thị Hoa", "राजेश कुमार")
    ]
    for nomination in people:
        login(npo_officer).post(
            reverse("nominations:attachment_upload", args=[nomination.pk]),
            {"kind": "cv", "file": SimpleUploadedFile("CV final.pdf", b"%PDF-1.7\n%test\n")},
        )
    headers = [
        login(npo_officer).get(reverse("nominations:attachment", args=[nomination.pk, "cv"]))["Content-Disposition"]
        for nomination in people
    ]
    hindi = people[2]
    assert headers == [
        'attachment; filename="27-RP-03-GE-CON-A-LK-nimal-perera-cv.pdf"',
        'attachment; filename="27-RP-03-GE-CON-A-LK-dang-thi-hoa-cv.pdf"; '
        "filename*=utf-8''27-RP-03-GE-CON-A-LK-%C4%90%E1%BA%B7ng-Th%E1%BB%8B-Hoa-cv.pdf",
        f'attachment; filename="27-RP-03-GE-CON-A-LK-nomination-{hindi.pk}-cv.pdf"; '
        "filename*=utf-8''27-RP-03-GE-CON-A-LK-%E0%A4%B0%E0%A4%BE%E0%A4%9C%E0%A5%87%E0%A4%B6-"
        "%E0%A4%95%E0%A5%81%E0%A4%AE%E0%A4%BE%E0%A4%B0-cv.pdf",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("cv.pdf", b"MZ\x90\x00\x03 an executable renamed", "Upload a PDF, Word (.docx) or Excel (.xlsx) file."),
        ("cv.pdf", b"", "The submitted file is empty."),
        ("cv.pdf", b"%PDF-" + b"x" * (5 * 1024 * 1024 - 4), "The file is 5.0 MB; the limit is 5 MB."),
        ("cv.svg", b"<svg onload=alert(1)>", "Upload a PDF, Word (.docx) or Excel (.xlsx) file."),
        ("cv.html", b"<html><script>alert(1)</script>", "Upload a PDF, Word (.docx) or Excel (.xlsx) file."),
        ("cv.docx", b"PK\x03\x04 not really a zip", "The file looks like an Office document but is damaged."),
    ],
)
def test_unacceptable_documents_get_a_clear_message_and_nothing_is_stored(login, npo_officer, name, content, message):
    nomination = NominationFactory(status=Status.DRAFT)
    response = login(npo_officer).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"kind": "cv", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in _text(response)
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_file_of_exactly_5_mb_is_accepted(login, npo_officer):
    nomination = NominationFactory(status=Status.DRAFT)
    content = b"%PDF-" + b"x" * (5 * 1024 * 1024 - 5)
    login(npo_officer).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"kind": "biodata", "file": SimpleUploadedFile("b.pdf", content)},
    )
    assert Attachment.objects.get().size == 5 * 1024 * 1024


@pytest.mark.django_db
def test_a_new_upload_replaces_the_old_document_of_that_kind(login, npo_officer):
    nomination = NominationFactory(status=Status.DRAFT)
    url = reverse("nominations:attachment_upload", args=[nomination.pk])
    login(npo_officer).post(url, {"kind": "cv", "file": SimpleUploadedFile("old.pdf", b"%PDF-old")})
    login(npo_officer).post(url, {"kind": "cv", "file": SimpleUploadedFile("new.pdf", b"%PDF-new")})
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["new.pdf"]


# ---------------------------------------------------------------- rule 8: 404 for anyone who may not see it


@pytest.mark.django_db
def test_an_officer_of_another_economy_gets_404_on_every_nomination_url(login, other_npo_officer, npo_officer):
    project = ProjectFactory(participating_economies=["LK", "PH"])
    nomination = NominationFactory(project=project, status=Status.SUBMITTED, email="lk@example.org")
    login(npo_officer).post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4")},
    )
    client = login(other_npo_officer)
    for url in [
        reverse("nominations:detail", args=[nomination.pk]),
        reverse("nominations:edit", args=[nomination.pk]),
        reverse("nominations:attachment", args=[nomination.pk, "cv"]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("nominations:edit", args=[nomination.pk]),
        reverse("nominations:move", args=[nomination.pk, "up"]),
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        reverse("nominations:action", args=[nomination.pk, "withdraw"]),
        reverse("nominations:action", args=[nomination.pk, "submit"]),
        reverse("nominations:action", args=[nomination.pk, "selected"]),
    ]:
        assert client.post(url, {"full_name": "Hijacked", "note": "x"}).status_code == 404, url
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("nominations:export", args=[project.code, fmt]))
        assert export.status_code == 200 and b"lk@example.org" not in export.content
    nomination.refresh_from_db()
    assert (nomination.status, nomination.full_name != "Hijacked") == (Status.SUBMITTED, True)


@pytest.mark.django_db
def test_participants_see_only_their_own_nomination_and_no_documents(login, participant):
    mine = NominationFactory(participant=participant, status=Status.SELECTED)
    other = NominationFactory(status=Status.SELECTED)
    client = login(participant)
    page = _text(client.get(reverse("nominations:detail", args=[mine.pk])))
    assert mine.full_name in page and "History" not in page
    assert client.get(reverse("nominations:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("nominations:attachment", args=[mine.pk, "cv"])).status_code == 404
    assert client.get(reverse("nominations:export", args=[mine.project.code, "csv"])).status_code == 404
    assert client.get(reverse("nominations:review", args=[mine.project.code])).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_or_get_404(client):
    nomination = NominationFactory()
    response = client.get(reverse("nominations:detail", args=[nomination.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("nominations:attachment", args=[nomination.pk, "cv"])).status_code == 404
    assert client.get(reverse("nominations:export", args=[nomination.project.code, "csv"])).status_code == 404
    assert client.post(reverse("nominations:action", args=[nomination.pk, "selected"])).status_code == 404


@pytest.mark.django_db
def test_an_officer_whose_economy_does_not_participate_gets_404_on_the_project_nominations(login, other_npo_officer):
    project = ProjectFactory(participating_economies=["LK"])
    client = login(other_npo_officer)
    assert client.get(reverse("nominations:economy", args=[project.code])).status_code == 404
    assert client.get(reverse("nominations:create", args=[project.code])).status_code == 404
    assert client.get(reverse("nominations:export", args=[project.code, "csv"])).status_code == 404


# ---------------------------------------------------------------- the Secretariat's review


@pytest.mark.django_db
def test_the_review_page_shows_the_quotas_per_economy_and_filters(login, secretariat):
    project = ProjectFactory(
        per_economy_limit=2, overseas_participants=30, local_participants=5, participating_economies=["LK", "ID", "JP"]
    )
    NominationFactory.create_batch(2, project=project, status=Status.SELECTED)
    NominationFactory(project=project, status=Status.WAITLISTED, gender=Nomination.Gender.MALE, full_name="Waiting Man")
    NominationFactory(project=project, economy=economy("ID"), status=Status.SUBMITTED, full_name="Siti Rahma")
    NominationFactory(project=project, economy=economy("ID"), status=Status.DRAFT, full_name="Hidden Draft")
    response = login(secretariat).get(reverse("nominations:review", args=[project.code]))
    summary = response.context["summary"]
    assert [
        (r["economy__code"], r["nominated"], r["selected"], r["waitlisted"], r["full"]) for r in summary["economies"]
    ] == [("ID", 1, 0, 0, False), ("LK", 3, 2, 1, True)]
    assert summary["totals"]["selected_overseas"] == 2 and summary["overseas_left"] == 28
    page = _text(response)
    assert "Hidden Draft" not in page and "Siti Rahma" in page
    filtered = login(secretariat).get(
        reverse("nominations:review", args=[project.code]), {"gender": "male", "economy": "LK"}
    )
    assert [n.full_name for n in filtered.context["page"].object_list] == ["Waiting Man"]


def _review_rows(response) -> list[str]:
    """The text of each row of the review table, as the Secretariat reads it."""
    body = response.content.decode().split("<tbody>")[-1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


@pytest.mark.django_db
def test_each_review_row_shows_the_candidate_their_documents_and_status_and_links_to_them(login, secretariat):
    project = ProjectFactory(participating_economies=["LK", "ID"])
    hostile = NominationFactory(
        project=project,
        full_name='<script>alert("x")</script> Ann & Co',
        designation="Head <b>of</b> Unit",
        organization="Acme <i>Ltd</i>",
        organization_type=Nomination.OrganizationType.SME,
        gender=Nomination.Gender.OTHER,
        is_overseas=False,
        priority_rank=2,
        status=Status.WAITLISTED,
    )
    Attachment.objects.create(
        nomination=hostile, kind="cv", file="x", file_type="pdf", original_name="cv.pdf", size=1, sha256="0"
    )
    other = NominationFactory(project=project, economy=economy("ID"), full_name="Siti Rahma", status=Status.SELECTED)
    response = login(secretariat).get(reverse("nominations:review", args=[project.code]))
    body = response.content.decode()
    # the name, then the status: the columns a phone shows first (the name stays as the rest scrolls)
    assert _review_rows(response) == [
        "Siti Rahma Director Selected Indonesia 1 Ministry of Public Administration Government ministry or agency"
        " · overseas Female 0/3",
        '<script>alert("x")</script> Ann & Co Head <b>of</b> Unit Wait-listed Sri Lanka 2 Acme <i>Ltd</i>'
        " Small or medium enterprise · local Other / prefer not to say 1/3",
    ]
    assert "<script>alert" not in body and "<b>of</b>" not in body and "<i>Ltd</i>" not in body
    for nomination in (hostile, other):
        url = reverse("nominations:detail", args=[nomination.pk])
        assert f'<a href="{url}">' in body
        assert f'name="nominations" value="{nomination.pk}" id="pick-{nomination.pk}"' in body
    assert '<span class="badge text-bg-warning">Wait-listed</span>' in body
    assert '<span class="badge text-bg-success">Selected</span>' in body


@pytest.mark.django_db
def test_the_reviews_document_column_counts_the_documents_the_project_requires(login, secretariat):
    """'1/2': of the two documents this project asks for, one is in; a CV it does not ask for is not counted."""
    project = ProjectFactory(required_documents=["biodata", "endorsement"])
    nomination = NominationFactory(project=project, full_name="Kamal Silva")
    for kind in ("biodata", "cv"):
        Attachment.objects.create(
            nomination=nomination, kind=kind, file="x", file_type="pdf", original_name="a.pdf", size=1, sha256="0"
        )
    client = login(secretariat)
    response = client.get(reverse("nominations:review", args=[project.code]))
    assert _review_rows(response)[0].endswith(" 1/2")
    project.required_documents = []
    project.save(update_fields=["required_documents"])
    assert _review_rows(client.get(reverse("nominations:review", args=[project.code])))[0].endswith(" —")


def _chosen(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', body, flags=re.S).group(1)
    return re.findall(r'<option value="([^"]*)" selected>', select)


@pytest.mark.django_db
def test_the_review_filters_keep_what_was_chosen_and_say_what_is_wrong(login, secretariat):
    project = ProjectFactory()
    NominationFactory(project=project, full_name="Waiting Woman", status=Status.WAITLISTED)
    client = login(secretariat)
    body = client.get(reverse("nominations:review", args=[project.code])).content.decode()
    assert [_chosen(body, name) for name in ("economy", "status", "gender", "organization_type")] == [[""]] * 4
    assert '<option value="LK">Sri Lanka</option>' in body
    assert re.search(r'<label\s+for="id_economy" class="form-label">\s*Economy\s*</label>', body)

    chosen = client.get(reverse("nominations:review", args=[project.code]), {"economy": "LK", "status": "waitlisted"})
    body = chosen.content.decode()
    assert (_chosen(body, "economy"), _chosen(body, "status"), _chosen(body, "gender")) == (
        ["LK"],
        ["waitlisted"],
        [""],
    )
    assert _review_rows(chosen)[0].startswith("Waiting Woman Director Wait-listed Sri Lanka 1")

    wrong = client.get(reverse("nominations:review", args=[project.code]), {"economy": "XX"})
    body = wrong.content.decode()
    assert _chosen(body, "economy") == []
    assert 'class="select form-select is-invalid" aria-invalid="true" aria-describedby="id_economy_error"' in body
    assert "Select a valid choice. That choice is not one of the available choices." in _text(wrong)


@pytest.mark.django_db
def test_the_review_offers_the_next_on_the_wait_list_and_lists_the_extensions(login, secretariat):
    project = ProjectFactory(participating_economies=["LK", "ID"], per_economy_limit=2)
    NominationFactory(project=project, status=Status.SELECTED)
    first = NominationFactory(project=project, full_name="Next In Line", priority_rank=2, status=Status.WAITLISTED)
    NominationFactory(project=project, full_name="Later Still", priority_rank=3, status=Status.WAITLISTED)
    DeadlineExtension.objects.create(
        project=project,
        economy=economy("ID"),
        closes_at=datetime.datetime(2031, 5, 6, 8, 30, tzinfo=datetime.UTC),
        reason="Late endorsement",
        granted_by=secretariat,
    )
    response = login(secretariat).get(reverse("nominations:review", args=[project.code]))
    body, page = response.content.decode(), _text(response)
    assert "Seats are free. Next on the wait list: Next In Line (Sri Lanka, NPO rank 2)" in page
    assert "Later Still (Sri Lanka" not in page
    assert f'<a href="{reverse("nominations:detail", args=[first.pk])}">Next In Line</a>' in body
    assert f'action="{reverse("nominations:action", args=[first.pk, "selected"])}"' in body
    assert "Extensions: Indonesia until 6 May 2031 17:30 your time (Asia/Tokyo)" in page


@pytest.mark.django_db
def test_bulk_decisions_report_what_was_refused(login, secretariat):
    project = ProjectFactory(per_economy_limit=1)
    nominations = NominationFactory.create_batch(2, project=project)
    response = login(secretariat).post(
        reverse("nominations:decide", args=[project.code]),
        {"decision": "selected", "note": "First round", "nominations": [n.pk for n in nominations]},
        follow=True,
    )
    page = _text(response)
    assert "Selected: 1 nomination." in page
    assert "Sri Lanka already has 1 selected participant: the limit is 1 per economy." in page
    assert Nomination.objects.filter(status=Status.SELECTED).count() == 1


@pytest.mark.django_db
def test_bulk_decisions_without_a_choice_change_nothing(login, secretariat):
    project = ProjectFactory()
    NominationFactory(project=project)
    response = login(secretariat).post(
        reverse("nominations:decide", args=[project.code]), {"decision": "selected"}, follow=True
    )
    assert "Tick at least one nomination." in _text(response)
    assert not Nomination.objects.filter(status=Status.SELECTED).exists()


@pytest.mark.django_db
def test_the_review_never_offers_back_the_people_just_moved_to_the_wait_list(login, secretariat):
    project = ProjectFactory(participating_economies=["LK"], per_economy_limit=2)
    kavita, later, ravi = (
        NominationFactory(project=project, full_name=name, priority_rank=rank)
        for rank, name in enumerate(["Kavita Iyer", "Anil Das", "Ravi Menon"], start=1)
    )
    client = login(secretariat)
    decide, review = (reverse(name, args=[project.code]) for name in ("nominations:decide", "nominations:review"))

    def decision(people, to):
        return client.post(decide, {"nominations": [p.pk for p in people], "decision": to}, follow=True)

    decision([kavita, ravi], Status.SELECTED)
    page = _text(decision([kavita, ravi], Status.WAITLISTED))
    assert "Seats are free" not in page and "Select Kavita Iyer" not in page and "Select Ravi Menon" not in page
    # a seat that a withdrawal frees is offered to whoever was waiting for it, not to someone wait-listed since
    decision([kavita, later], Status.SELECTED)
    client.post(reverse("nominations:action", args=[kavita.pk, "withdraw"]), {"note": "Cannot travel", "confirm": "1"})
    decision([later], Status.SUBMITTED)
    decision([later], Status.WAITLISTED)
    page = _text(client.get(review))
    assert "Seats are free. Next on the wait list: Ravi Menon (Sri Lanka, NPO rank 3)" in page
    assert "Select Ravi Menon" in page and "Select Anil Das" not in page


@pytest.mark.django_db
def test_the_nomination_page_shows_its_history_to_those_allowed(login, secretariat, npo_officer):
    nomination = NominationFactory()
    login(secretariat).post(
        reverse("nominations:action", args=[nomination.pk, "waitlisted"]), {"note": "Strong, but later"}
    )
    login(secretariat).post(reverse("nominations:announce", args=[nomination.project.code]))
    for user in (secretariat, npo_officer):
        page = _text(login(user).get(reverse("nominations:detail", args=[nomination.pk])))
        assert "Submitted → Wait-listed" in page and "“Strong, but later”" in page


@pytest.mark.django_db
def test_the_history_reads_as_words_not_codes(login, secretariat, npo_officer):
    from attendance.services import mark_set
    from nominations import services
    from tests.factories import SessionFactory

    project = ProjectFactory(required_documents=["cv"])
    nomination = services.nomination_create(actor=npo_officer, project=project, data=candidate())
    services.nomination_update(actor=npo_officer, nomination=nomination, data=candidate(designation="Director"))
    client = login(npo_officer)
    client.post(
        reverse("nominations:attachment_upload", args=[nomination.pk]),
        {"kind": "cv", "file": SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n%test\n")},
    )
    services.nomination_submit(actor=npo_officer, nomination=nomination)
    login(secretariat).get(reverse("nominations:attachment", args=[nomination.pk, "cv"]))
    nomination = services.nomination_decide(actor=secretariat, nomination=nomination, to=Status.SELECTED)
    mark_set(actor=secretariat, session=SessionFactory(project=project), nomination=nomination, status="late")
    page = _text(login(secretariat).get(reverse("nominations:detail", args=[nomination.pk])))
    history = page[page.index("History") :]
    lines = [
        "Nomination created",
        "Edited: Designation",
        "Curriculum vitae uploaded",
        "Draft → Submitted",
        "Curriculum vitae downloaded",
        "Submitted → Selected",
        "Attendance: Late",
    ]
    assert re.search(".*".join(re.escape(line) for line in lines), history), history
    for code in ("nominations.", "attendance.", "(cv)", "None"):
        assert code not in history


@pytest.mark.django_db
def test_the_secretariat_grants_an_extension_from_its_page(login, secretariat, npo_officer):
    project = ProjectFactory(
        nomination_closes_at=timezone.now() - datetime.timedelta(hours=1), time_zone="Asia/Colombo"
    )
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = login(secretariat).post(
        reverse("nominations:extension", args=[project.code]),
        {"economy": economy("LK").pk, "closing_date": day.isoformat(), "reason": "Holiday in Sri Lanka"},
        follow=True,
    )
    assert response.redirect_chain[-1][1] == 302
    assert DeadlineExtension.objects.get().reason == "Holiday in Sri Lanka"
    # The end of that day in Colombo is 03:29 the next morning in Tokyo, where the officer reads it.
    tokyo = f"{day + datetime.timedelta(days=1):%-d %B %Y}, 03:29 your time (Asia/Tokyo)"
    assert f"Sri Lanka may nominate until {tokyo} · {day:%-d %B %Y}, 23:59 project time (Asia/Colombo)." in _text(
        response
    )
    home = _text(login(npo_officer).get(reverse("home")))
    assert project.title in home and "(extended)" in home


@pytest.mark.django_db(transaction=True)
def test_announcing_from_the_page_sends_the_results_once(login, secretariat, npo_officer):
    from apo_portal.celery import app

    app.conf.task_always_eager = True
    try:
        project = ProjectFactory()
        NominationFactory(project=project, status=Status.SELECTED, email="chosen@example.org")
        client = login(secretariat)
        page = _text(client.post(reverse("nominations:announce", args=[project.code]), follow=True))
        assert "Results sent: 1 outcome e-mail(s) to NPO officers and 1 invitation(s) to selected candidates." in page
        page = _text(client.post(reverse("nominations:announce", args=[project.code]), follow=True))
        assert "Nothing new to announce" in page
        assert len(mail.outbox) == 2
    finally:
        app.conf.task_always_eager = False


@pytest.mark.django_db(transaction=True)
def test_the_invitation_link_sets_a_password_once(client, secretariat):
    from apo_portal.celery import app

    app.conf.task_always_eager = True
    try:
        from nominations import services

        project = ProjectFactory()
        NominationFactory(project=project, status=Status.SELECTED, email="chosen@example.org")
        services.project_announce(actor=secretariat, project=project, base_url="http://testserver")
        link = re.search(r"http://testserver(/accounts/invitation/\S+/)", mail.outbox[-1].body).group(1)
        form_url = client.get(link, follow=True).redirect_chain[-1][0]
        response = client.post(
            form_url, {"new_password1": "Jakarta-2026-rain", "new_password2": "Jakarta-2026-rain"}, follow=True
        )
        assert "Your password is set." in _text(response)
        logged_in = client.post(
            reverse("accounts:login"), {"username": "chosen@example.org", "password": "Jakarta-2026-rain"}
        )
        assert logged_in.status_code == 302 and "_auth_user_id" in client.session
        client.logout()
        assert "This invitation link has been used or has expired." in _text(client.get(link, follow=True))
    finally:
        app.conf.task_always_eager = False


# ---------------------------------------------------------------- exports


@pytest.mark.django_db
def test_exports_neutralise_formulas_and_keep_names_in_any_script(login, secretariat):
    project = ProjectFactory()
    NominationFactory(project=project, full_name='=HYPERLINK("http://evil")', organization="+cmd|' /C calc'!A0")
    NominationFactory(project=project, full_name="สมชาย ใจดี", organization="@SUM(1+1)", designation="-2+3")
    csv_response = login(secretariat).get(reverse("nominations:export", args=[project.code, "csv"]))
    assert csv_response["Content-Disposition"] == f'attachment; filename="{project.code}-nominations.csv"'
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells and "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells and "'-2+3" in cells and "สมชาย ใจดี" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    xlsx = login(secretariat).get(reverse("nominations:export", args=[project.code, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=3) for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert AuditEntry.objects.filter(action="nominations.export.downloaded").count() == 2


# ---------------------------------------------------------------- query budgets


def _grow(project, n):
    for i in range(n):
        nomination = NominationFactory(project=project, priority_rank=i + 10)
        Attachment.objects.create(
            nomination=nomination, kind="cv", file="x", file_type="pdf", original_name="cv.pdf", size=1, sha256="0"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, name, queries",
    [
        # user, project, participates, open, decided, extension, list, the list's documents
        ("npo_officer", "nominations:economy", 8),
        # quota summary once, shared with the suggestions; accounts to check; the results e-mails' progress
        # (the filter bar's economies are read once, then cached with the bar: see the warm-up below)
        ("secretariat", "nominations:review", 9),
    ],
)
def test_nomination_lists_make_the_same_number_of_queries_at_any_size(
    client, login, django_assert_num_queries, request, role, name, queries
):
    user = request.getfixturevalue(role)
    project = ProjectFactory()
    login(user)
    client.get(reverse(name, args=[project.code]))  # what a page caches across requests, cached
    for size in (2, 20):
        _grow(project, size)
        with django_assert_num_queries(queries):
            response = client.get(reverse(name, args=[project.code]))
        assert response.status_code == 200


# ---------------------------------------------------------------- a withdrawal is confirmed first


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["npo_officer", "secretariat"])
def test_a_withdrawal_asks_for_confirmation_before_anything_changes(login, request, role):
    nomination = NominationFactory(full_name="Kamal Silva")
    client = login(request.getfixturevalue(role))
    url = reverse("nominations:action", args=[nomination.pk, "withdraw"])
    asked = client.post(url, {"note": "Cannot travel", "next": "/"})
    assert asked.status_code == 200
    page = page_text(asked)
    assert "Withdraw Kamal Silva? A withdrawal cannot be undone." in page
    assert 'name="confirm" value="1"' in asked.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED

    done = client.post(url, {"note": "Cannot travel", "next": "/", "confirm": "1"})
    assert done["Location"] == "/"
    nomination.refresh_from_db()
    assert nomination.status == Status.WITHDRAWN


@pytest.mark.django_db
def test_the_cached_filter_bar_is_each_projects_own_and_shows_the_values_searched(login, secretariat):
    """The review's filter bar is cached (templates/nominations/review.html): a second project asking with the
    same values gets a bar that searches its own list, and other values get a bar that shows them."""
    first, second = ProjectFactory(), ProjectFactory()
    client = login(secretariat)
    for project in (first, second):
        body = client.get(reverse("nominations:review", args=[project.code]), {"q": "Silva"}).content.decode()
        bar = body.split('id="review-filters"')[1].split("</form>")[0]
        assert f'hx-get="{reverse("nominations:review", args=[project.code])}"' in bar
        assert 'value="Silva"' in bar
    other = client.get(reverse("nominations:review", args=[first.code]), {"q": "Rahma", "gender": "female"})
    bar = other.content.decode().split('id="review-filters"')[1].split("</form>")[0]
    assert 'value="Rahma"' in bar and 'value="Silva"' not in bar
    assert '<option value="female" selected>' in bar
