import ast
import io
import pathlib
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import attendance
from certificates import rendering, services
from certificates.models import Certificate
from tests.factories import ParticipantFactory
from tests.pages import page_text


@pytest.fixture
def issued(secretariat, finished_project):
    """Minh's and Rahul's certificates, rendered."""
    project, sessions, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    for certificate in Certificate.objects.all():
        services.certificate_render(certificate_id=certificate.pk)
    return project, people, {c.nomination_id: c for c in Certificate.objects.all()}


@pytest.mark.django_db(transaction=True)
def test_the_secretariat_issues_in_one_action_and_the_table_follows_the_progress(
    login, secretariat, finished_project, celery_eager
):
    project, _, people = finished_project
    client = login(secretariat)
    page = page_text(client.get(reverse("certificates:manage", args=[project.code])))
    assert "Issue certificates to every eligible participant" in page and "Not eligible" in page
    response = client.post(reverse("certificates:issue", args=[project.code]), follow=True)
    assert "2 certificate(s) issued and being prepared; 0 already had one; 1 not eligible." in page_text(response)
    # the render tasks ran on commit (eagerly here): the table, as htmx refreshes it, shows them issued
    table = client.get(reverse("certificates:manage", args=[project.code]), HTTP_HX_REQUEST="true")
    assert page_text(table).count("Issued") == 2 and 'hx-trigger="every 3s"' not in table.content.decode()
    assert Certificate.objects.filter(render_status="rendered").count() == 2


@pytest.mark.django_db
def test_the_table_polls_while_pdfs_are_pending(login, secretariat, finished_project):
    project, _, _ = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    table = login(secretariat).get(reverse("certificates:manage", args=[project.code]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 3s"' in table.content.decode() and "Being prepared" in page_text(table)


@pytest.mark.django_db
def test_downloads_check_who_is_asking(client, login, issued, secretariat, npo_officer):
    from accounts.models import NPO
    from tests.factories import NPOOfficerFactory

    project, people, certificates = issued
    minh = certificates[people["minh"].pk]  # Vietnam
    rahul = certificates[people["rahul"].pk]  # India
    url = reverse("certificates:download", args=[minh.pk])
    assert client.get(url).status_code == 302  # log in first
    response = login(people["minh"].participant).get(url)
    assert (
        response.status_code == 200 and response["Content-Disposition"] == f'attachment; filename="{minh.serial}.pdf"'
    )
    assert login(people["minh"].participant).get(reverse("certificates:download", args=[rahul.pk])).status_code == 404
    assert login(ParticipantFactory()).get(url).status_code == 404
    vietnam = NPOOfficerFactory(npo=NPO.objects.get(economy__code="VN"))
    assert login(vietnam).get(url).status_code == 200
    assert login(vietnam).get(reverse("certificates:download", args=[rahul.pk])).status_code == 404
    assert login(npo_officer).get(url).status_code == 404  # Sri Lanka's officer
    assert login(secretariat).get(url).status_code == 200
    zipped = login(vietnam).get(reverse("certificates:zip", args=[project.code]))
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist() == [f"{minh.serial}.pdf"]
    everything = login(secretariat).get(reverse("certificates:zip", args=[project.code]))
    assert sorted(zipfile.ZipFile(io.BytesIO(everything.content)).namelist()) == sorted(
        [minh.serial + ".pdf", rahul.serial + ".pdf"]
    )
    assert login(people["minh"].participant).get(reverse("certificates:zip", args=[project.code])).status_code == 404


@pytest.mark.django_db
def test_pdfs_and_zip_archives_are_not_compressed_again(login, issued, secretariat):
    project, people, certificates = issued
    client = login(secretariat)
    for url in (
        reverse("certificates:download", args=[certificates[people["minh"].pk].pk]),
        reverse("certificates:zip", args=[project.code]),
    ):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and "Content-Encoding" not in response
        assert body.startswith((b"%PDF-", b"PK\x03\x04"))


@pytest.mark.django_db
def test_the_participant_finds_their_certificate_on_their_project_page(login, issued):
    project, people, certificates = issued
    page = page_text(login(people["minh"].participant).get(reverse("attendance:my_project", args=[project.code])))
    assert "Download your certificate (PDF)" in page and certificates[people["minh"].pk].serial in page


@pytest.mark.django_db
def test_verification_shows_a_valid_certificate_and_nothing_more_personal(client, issued):
    project, people, certificates = issued
    certificate = certificates[people["minh"].pk]
    page = page_text(client.get(reverse("certificates:verify", args=[certificate.verification_code])))
    for expected in [
        "Valid.",
        "Nguyễn Thị Minh Anh",
        "Productivity of the Public Sector (26-CP-41-GE-DLN-A)",
        certificate.serial,
        certificate.sha256,
    ]:
        assert expected in page
    assert "minh@example.vn" not in page and "Vietnam" not in page


@pytest.mark.django_db
def test_a_typed_code_with_dashes_and_small_letters_finds_the_certificate(client, issued):
    project, people, certificates = issued
    certificate = certificates[people["minh"].pk]
    response = client.post(reverse("certificates:verify_form"), {"code": certificate.code_display.lower()}, follow=True)
    assert "Valid." in page_text(response)


# Each printable ASCII character as a Japanese, Chinese or Korean input method types it in full-width mode.
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@pytest.mark.django_db
def test_the_code_is_found_however_a_verifier_types_or_pastes_it(client, issued):
    project, people, certificates = issued
    certificate = certificates[people["minh"].pk]
    # A code with O, I and B in it, which a reader takes for 0, 1 and 8 (no code has those digits).
    Certificate.objects.filter(pk=certificate.pk).update(verification_code="BOIL2345QRSTBOILXYZA")
    certificate.refresh_from_db()
    printed = certificate.code_display
    found = reverse("certificates:verify", args=["BOIL2345QRSTBOILXYZA"])
    for typed in [
        printed.translate(FULL_WIDTH),  # ＢＯＩＬ－２３４５－…
        printed.replace("O", "0").replace("I", "1").replace("B", "8").lower(),  # b01l-2345-…
        " ".join(printed.split("-")),
        f"\u3000{printed}\u3000",  # ideographic spaces around it
        f"Code {printed}",  # the whole line copied from the PDF
        rendering.verification_url(certificate),  # the QR code's address, pasted from a phone
    ]:
        response = client.post(reverse("certificates:verify_form"), {"code": typed}, follow=True)
        assert response.redirect_chain == [(found, 302)], typed
        assert "Valid." in page_text(response), typed
    # and typed straight into the address bar
    response = client.get(reverse("certificates:verify", args=["b01l-2345-qrst-80il-xyza"]))
    assert "Valid." in page_text(response) and certificate.serial in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, message",
    [
        ("----", "There is no code in what you typed. Type the 20 letters and digits printed beside the QR code."),
        (
            "ＡＢＣＤ－ＥＦＧＨ",
            "A verification code has 20 letters and digits; this has 8. Check it against the certificate.",
        ),
        ("ABCD-EFGH-IJKL-MNOP-QRS9", "has only the letters A to Z and the digits 2 to 7, not 9."),
        ("https://portal.example/verify/", "There is no code in what you typed."),
        ("<script>alert(1)</script>", "A verification code has 20 letters and digits; this has"),
    ],
)
def test_what_cannot_be_a_code_is_refused_with_what_to_check(client, issued, typed, message):
    for response in [
        client.post(reverse("certificates:verify_form"), {"code": typed}),
        client.get(reverse("certificates:verify_form"), {"code": typed}),
    ]:
        page = page_text(response)
        assert response.status_code == 200 and message in page
        assert "Valid." not in page and "Unknown code." not in page and "<script>alert" not in response.content.decode()


@pytest.mark.django_db
def test_verification_of_revoked_and_replaced_certificates(client, issued, secretariat):
    project, people, certificates = issued
    revoked = services.certificate_revoke(
        actor=secretariat, certificate=certificates[people["rahul"].pk], reason="Error"
    )
    assert "Revoked." in page_text(client.get(reverse("certificates:verify", args=[revoked.verification_code])))
    old = certificates[people["minh"].pk]
    new = services.certificate_reissue(
        actor=secretariat, certificate=old, reason="Name", holder_name="Nguyễn Thị Minh Ánh"
    )
    services.certificate_render(certificate_id=new.pk)
    page = page_text(client.get(reverse("certificates:verify", args=[old.verification_code])))
    assert "Replaced. This certificate was revoked on" in page and new.serial in page


@pytest.mark.django_db
def test_an_unknown_code_is_404_with_a_clear_message(client, issued):
    response = client.get(reverse("certificates:verify", args=["AAAABBBBCCCCDDDDEEEE"]))
    assert response.status_code == 404 and "No APO certificate has this verification code" in page_text(response)


@pytest.mark.django_db
def test_an_uploaded_pdf_is_matched_exactly(client, issued):
    project, people, certificates = issued
    certificate = certificates[people["minh"].pk]
    with certificate.pdf.open("rb") as pdf:
        original = pdf.read()
    match = client.post(reverse("certificates:verify_form"), {"pdf": SimpleUploadedFile("c.pdf", original)})
    assert "Valid. The file you uploaded is exactly this certificate" in page_text(match)
    altered = original[:-20] + bytes([original[-20] ^ 1]) + original[-19:]
    for upload in (altered, b"%PDF-1.4 some other document"):
        response = client.post(reverse("certificates:verify_form"), {"pdf": SimpleUploadedFile("c.pdf", upload)})
        assert "Not an issued certificate." in page_text(response)


@pytest.mark.django_db
def test_verification_is_throttled_against_guessing(client, issued, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/d"  # a minute's fixed window could end between the look-ups
    url = reverse("certificates:verify", args=["AAAABBBBCCCCDDDDEEEE"])
    assert [client.get(url).status_code for _ in range(4)] == [404, 404, 404, 429]
    assert "Too many look-ups" in page_text(client.get(url))


@pytest.mark.django_db
def test_certificate_pages_are_404_to_everyone_but_the_secretariat(client, login, issued, npo_officer):
    project, people, certificates = issued
    certificate = certificates[people["minh"].pk]
    for url in [
        reverse("certificates:manage", args=[project.code]),
        reverse("certificates:revoke", args=[certificate.pk]),
    ]:
        client.logout()
        assert client.get(url).status_code == 302
        assert login(npo_officer).get(url).status_code == 404
        assert login(people["minh"].participant).get(url).status_code == 404
    for url in [
        reverse("certificates:issue", args=[project.code]),
        reverse("certificates:retry", args=[certificate.pk]),
    ]:
        assert login(npo_officer).post(url).status_code == 404
    response = login(npo_officer).post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "x"})
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


@pytest.mark.django_db
def test_the_secretariat_corrects_a_name_from_the_page(login, issued, secretariat):
    project, people, certificates = issued
    old = certificates[people["minh"].pk]
    response = login(secretariat).post(
        reverse("certificates:revoke", args=[old.pk]),
        {"reissue": "1", "holder_name": "Nguyễn Thị Minh Ánh", "reason": "Family name misspelt"},
        follow=True,
    )
    assert f"{old.serial} was revoked and replaced by APO-26-CP-41-GE-DLN-A-003." in page_text(response)


@pytest.mark.django_db
def test_each_certificate_in_the_table_links_to_its_own_actions(login, secretariat, issued):
    project, people, certificates = issued
    failed = certificates[people["rahul"].pk]
    Certificate.objects.filter(pk=failed.pk).update(render_status="failed", render_error="WeasyPrint crashed")
    content = login(secretariat).get(reverse("certificates:manage", args=[project.code])).content.decode()
    minh = certificates[people["minh"].pk]
    for href in [
        reverse("certificates:download", args=[minh.pk]),
        reverse("certificates:verify", args=[minh.verification_code]),
        reverse("certificates:revoke", args=[minh.pk]) + "?reissue=1",
        reverse("certificates:revoke", args=[minh.pk]),
    ]:
        assert f'href="{href}"' in content
    assert f'action="{reverse("certificates:retry", args=[failed.pk])}"' in content
    assert f'href="{reverse("certificates:download", args=[failed.pk])}"' not in content


def _revoked_on(certificate, user) -> str:
    """The date a reader sees for the revocation: the day in their own time zone."""
    from zoneinfo import ZoneInfo

    from django.utils import dateformat, timezone

    return dateformat.format(timezone.localtime(certificate.revoked_at, ZoneInfo(user.time_zone)), "j F Y")


@pytest.mark.django_db
def test_a_revoked_certificate_is_no_longer_offered_to_its_holder_or_their_npo(login, issued, secretariat):
    from accounts.models import NPO
    from tests.factories import NPOOfficerFactory

    project, people, certificates = issued
    old = certificates[people["minh"].pk]
    new = services.certificate_reissue(
        actor=secretariat, certificate=old, reason="Family name misspelt", holder_name="Nguyễn Thị Minh Ánh"
    )
    services.certificate_render(certificate_id=new.pk)
    old.refresh_from_db()
    old_url, new_url = (reverse("certificates:download", args=[c.pk]) for c in (old, new))
    holder, vietnam = people["minh"].participant, NPOOfficerFactory(npo=NPO.objects.get(economy__code="VN"))
    for user, page in [
        (holder, reverse("attendance:my_project", args=[project.code])),
        (holder, reverse("attendance:participants", args=[project.code])),
        (vietnam, reverse("attendance:participants", args=[project.code])),
    ]:
        client = login(user)
        response = client.get(page)
        text = page_text(response)
        assert f'href="{old_url}"' not in response.content.decode()
        assert f'href="{new_url}"' in response.content.decode()
        assert (
            f"{old.serial} Revoked on {_revoked_on(old, user)}: Family name misspelt. Replaced by {new.serial}." in text
        )
        assert client.get(old_url).status_code == 404
        assert client.get(new_url).status_code == 200
    zipped = login(vietnam).get(reverse("certificates:zip", args=[project.code]))
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist() == [f"{new.serial}.pdf"]
    # the Secretariat still reaches the revoked file, from the certificates table
    client = login(secretariat)
    assert f'href="{old_url}"' in client.get(reverse("certificates:manage", args=[project.code])).content.decode()
    response = client.get(old_url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_revoked_certificate_without_replacement_says_so_and_offers_nothing(login, issued, secretariat):
    project, people, certificates = issued
    revoked = services.certificate_revoke(
        actor=secretariat, certificate=certificates[people["minh"].pk], reason="Attendance was misrecorded"
    )
    holder = people["minh"].participant
    response = login(holder).get(reverse("attendance:my_project", args=[project.code]))
    text = page_text(response)
    assert f"Revoked on {_revoked_on(revoked, holder)}: Attendance was misrecorded." in text
    assert "Replaced by" not in text and "Download your certificate" not in text
    assert reverse("certificates:download", args=[revoked.pk]) not in response.content.decode()
    assert login(holder).get(reverse("certificates:download", args=[revoked.pk])).status_code == 404


def test_attendance_pages_show_certificates_through_the_setting_and_attendance_imports_nothing_of_them():
    """Certificates build on attendance: its pages reach them by the function the setting names."""
    assert settings.ATTENDANCE_PAGE_CERTIFICATES == "certificates.selectors.certificates_on_attendance_pages"
    imported = set()
    for path in pathlib.Path(attendance.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
    assert not imported & {"certificates", "reports", "home", "demo"}


@pytest.mark.django_db
def test_a_certificate_waiting_to_be_tried_again_says_so_with_its_error(login, secretariat, issued):
    project, people, certificates = issued
    waiting = certificates[people["rahul"].pk]
    Certificate.objects.filter(pk=waiting.pk).update(render_status="pending", pdf="", sha256="")
    services.certificate_render_failed(certificate_id=waiting.pk, error="OSError: [Errno 28] No space left on device")
    response = login(secretariat).get(reverse("certificates:manage", args=[project.code]))
    text = page_text(response)
    assert "Failed 1 time, tried again by itself from" in text
    assert "No space left on device" in text
    retry = f'action="{reverse("certificates:retry", args=[waiting.pk])}"'
    assert retry not in response.content.decode()  # no button yet: it retries by itself
