"""Batch rendering (issue 19 item 1): one WeasyPrint render for many certificates, each written as its own PDF
with its own name, QR code, hash and file, exactly once; runs claim their rows, so two never render the same
certificate, and a claim left by a dead run lapses."""

import datetime
import gc
import hashlib
import io
from unittest import mock

import pypdfium2
import pytest
from celery.exceptions import Retry
from django.utils import timezone
from weasyprint.css import ComputedStyle

from certificates import rendering, services, tasks
from certificates.models import Certificate
from common import pdf
from mail.models import OutgoingEmail
from tests.factories import NominationFactory, economy
from tests.pdfs import pdf_page_sizes, pdf_qr_codes, pdf_text

pytestmark = pytest.mark.django_db


def _issued(secretariat, project, extra: int = 0) -> list[Certificate]:
    """The project's eligible participants (Minh and Rahul) and `extra` more, issued; PDFs not rendered yet."""
    sessions = list(project.sessions.all())
    for i in range(extra):
        nomination = NominationFactory(
            project=project, economy=economy("LK"), status="selected", full_name=f"Participant {i:02d} Perera"
        )
        for session in sessions:
            nomination.marks.create(session=session, status="present", source="staff", set_at=timezone.now())
    with mock.patch("certificates.services.enqueue"):
        services.certificates_issue(actor=secretariat, project=project)
    return list(Certificate.objects.filter(project=project).order_by("sequence"))


def _pdf(certificate: Certificate) -> bytes:
    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as file:
        return file.read()


def _image(data: bytes) -> bytes:
    document = pypdfium2.PdfDocument(data)
    try:
        out = io.BytesIO()
        document[0].render(scale=60 / 72).to_pil().save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()


def test_one_render_makes_each_certificate_its_own_pdf_the_same_as_rendered_alone(secretariat, finished_project):
    project, _, _ = finished_project
    certificates = _issued(secretariat, project, extra=3)
    alone = [pdf.render_pdf(rendering.certificate_html(c)) for c in certificates]

    with mock.patch("certificates.services.render_pdf", side_effect=AssertionError("rendered one by one")):
        renders = mock.Mock(wraps=pdf.render_pdf_pages)
        with mock.patch("certificates.services.render_pdf_pages", renders):
            outcome = services.certificates_render(certificate_ids=[c.pk for c in certificates])
    assert (outcome.rendered, outcome.failed, renders.call_count) == (5, 0, 1)

    files = set()
    for certificate, single in zip(certificates, alone, strict=True):
        data = _pdf(certificate)
        assert certificate.render_status == "rendered" and certificate.sha256 == hashlib.sha256(data).hexdigest()
        assert pdf_page_sizes(data) == [(841.89, 595.28)]
        text = pdf_text(data)
        assert "".join(certificate.holder_name.split()) in "".join(text.split()) and certificate.serial in text
        assert all(other.serial not in text for other in certificates if other != certificate)
        assert pdf_qr_codes(data) == [f"https://portal.apo.test/verify/{certificate.verification_code}/"]
        assert _image(data) == _image(single)  # the same to the eye as the same certificate rendered alone
        assert pdf_text(data) == pdf_text(single)
        files.add(certificate.pdf.name)
    assert len(files) == 5
    emails = OutgoingEmail.objects.filter(key__startswith="certificate:")
    assert sorted(emails.values_list("to", flat=True)) == sorted(c.nomination.email for c in certificates)

    # Exactly once: running the batch again renders nothing and queues no second e-mail.
    again = services.certificates_render(certificate_ids=[c.pk for c in certificates])
    assert (again.rendered, again.failed) == (0, 0) and emails.count() == 5
    assert [_pdf(c) for c in certificates] == [_pdf(c) for c in certificates]


def test_issuing_enqueues_one_task_per_batch(
    secretariat, finished_project, settings, django_capture_on_commit_callbacks
):
    project, _, _ = finished_project
    settings.CERTIFICATE_RENDER_BATCH = 2
    with mock.patch("certificates.services.enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            _issued(secretariat, project, extra=3)
    ids = list(Certificate.objects.filter(project=project).order_by("sequence").values_list("pk", flat=True))
    assert [call.args for call in enqueue.call_args_list] == [
        (tasks.render_certificates, ids[0:2]),
        (tasks.render_certificates, ids[2:4]),
        (tasks.render_certificates, ids[4:5]),
    ]


def test_a_certificate_claimed_by_another_run_is_left_to_it_until_its_claim_lapses(secretariat, finished_project):
    project, _, _ = finished_project
    first, second = _issued(secretariat, project)
    held_until = timezone.now() + datetime.timedelta(seconds=50)
    Certificate.objects.filter(pk=first.pk).update(render_claim="another-worker", render_not_before=held_until)

    outcome = services.certificates_render(certificate_ids=[first.pk, second.pk], claim="this-worker")
    assert (outcome.rendered, outcome.held_until) == (1, held_until)
    first.refresh_from_db()
    assert (first.render_status, first.pdf.name) == ("pending", "")

    # The same message redelivered (its worker died) takes back its own claims at once.
    assert services.certificates_render(certificate_ids=[first.pk], claim="another-worker").rendered == 1


def test_a_claim_left_by_a_killed_worker_lapses_and_the_task_renders_it_then(secretariat, finished_project):
    project, _, _ = finished_project
    certificate, _ = _issued(secretariat, project)
    Certificate.objects.filter(pk=certificate.pk).update(
        render_claim="dead-worker", render_not_before=timezone.now() + datetime.timedelta(seconds=30)
    )
    with mock.patch.object(tasks.render_certificate, "retry", return_value=Retry()) as retry:
        assert tasks.render_certificate.apply(args=[certificate.pk]).state == "RETRY"
    assert 25 < retry.call_args.kwargs["countdown"] <= 32  # it looks again when the claim lapses
    certificate.refresh_from_db()
    assert certificate.render_status == "pending"

    Certificate.objects.filter(pk=certificate.pk).update(
        render_not_before=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert tasks.render_certificate.apply(args=[certificate.pk]).state == "SUCCESS"
    certificate.refresh_from_db()
    assert certificate.render_status == "rendered" and certificate.render_claim == ""


def test_a_certificate_that_fails_in_a_batch_fails_alone(secretariat, finished_project):
    project, _, _ = finished_project
    certificates = _issued(secretariat, project, extra=1)
    bad = certificates[1]
    real = pdf.render_pdf

    def render_one(html):
        if bad.serial in html:
            raise MemoryError("cairo could not allocate")
        return real(html)

    with (
        mock.patch("certificates.services.render_pdf_pages", side_effect=pdf.PageCountMismatch("4 pages for 3")),
        mock.patch("certificates.services.render_pdf", side_effect=render_one),
    ):
        outcome = services.certificates_render(certificate_ids=[c.pk for c in certificates])
    assert (outcome.rendered, outcome.failed) == (2, 1)
    statuses = {c.pk: (c.render_status, c.render_error) for c in Certificate.objects.all()}
    assert statuses[bad.pk] == ("pending", "MemoryError: cairo could not allocate")
    assert {statuses[c.pk][0] for c in certificates if c != bad} == {"rendered"}


def test_a_document_with_the_wrong_number_of_pages_is_refused_before_any_pdf():
    html = rendering.render_to_string("certificates/certificates.html", {"pages": [], "title": "none"})
    with pytest.raises(pdf.PageCountMismatch):
        pdf.render_pdf_pages(html, titles=["A", "B"])
    assert gc.isenabled()  # the collector, paused for the batch, runs again after a refused one too


def _styles_alive() -> int:
    return sum(isinstance(thing, ComputedStyle) for thing in gc.get_objects())


def test_a_batch_leaves_none_of_its_garbage_behind(secretariat, finished_project):
    """The collector is paused during a batch (common.pdf) and run once at its end: the batch's styles, in
    reference cycles, are gone when it returns, not left for some later collection."""
    project, _, _ = finished_project
    certificates = _issued(secretariat, project, extra=4)
    html, titles = rendering.certificates_html(certificates), [c.serial for c in certificates]
    pdf.render_pdf_pages(html, titles=titles)  # fonts and caches loaded, as in a worker after its first batch
    gc.collect()
    before = _styles_alive()

    pdfs = pdf.render_pdf_pages(html, titles=titles)

    assert len(pdfs) == 6 and gc.isenabled()
    assert _styles_alive() == before


def test_a_caller_that_paused_the_collector_finds_it_still_paused(secretariat, finished_project):
    project, _, _ = finished_project
    certificates = _issued(secretariat, project)
    gc.disable()
    try:
        pdf.render_pdf_pages(rendering.certificates_html(certificates), titles=[c.serial for c in certificates])
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_batch_at_once_render_each_certificate_once(secretariat, finished_project):
    from tests.concurrency import at_once

    project, _, _ = finished_project
    ids = [c.pk for c in _issued(secretariat, project, extra=4)]
    renders = []
    real = pdf.render_pdf_pages

    def counted(html, *, titles):
        renders.extend(titles)
        return real(html, titles=titles)

    with mock.patch("certificates.services.render_pdf_pages", side_effect=counted):
        outcomes = at_once(
            lambda: services.certificates_render(certificate_ids=ids, claim="worker-a"),
            lambda: services.certificates_render(certificate_ids=list(reversed(ids)), claim="worker-b"),
        )
    assert sum(outcome.rendered for outcome in outcomes) == 6
    assert sorted(renders) == sorted(Certificate.objects.values_list("serial", flat=True))  # none rendered twice
    assert set(Certificate.objects.values_list("render_status", flat=True)) == {"rendered"}
    assert OutgoingEmail.objects.filter(key__startswith="certificate:").count() == 6
