"""Issuing shows its progress: "n of N rendered, m e-mailed", from the rows, polled until nothing is left to
happen, with failures listed and retried where they are."""

import pytest
from django.urls import reverse

from certificates import selectors, services
from certificates.models import Certificate
from mail.models import OutgoingEmail
from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory
from tests.pages import page_text

RenderStatus = Certificate.RenderStatus


def _progress(client, project):
    return client.get(reverse("certificates:progress", args=[project.code]))


@pytest.mark.django_db
def test_the_progress_bar_follows_the_pdfs_and_e_mails_and_offers_a_retry(login, secretariat, finished_project):
    project, _, _ = finished_project
    client = login(secretariat)
    assert "rendered," not in page_text(client.get(reverse("certificates:manage", args=[project.code])))
    services.certificates_issue(actor=secretariat, project=project)
    page = client.get(reverse("certificates:manage", args=[project.code]))
    assert "Issuing 0 of 2 rendered, 0 e-mailed. This updates by itself." in page_text(page)
    assert 'hx-get="{}" hx-trigger="every 2s"'.format(reverse("certificates:progress", args=[project.code])) in (
        page.content.decode()
    )
    assert '<progress class="portal-progress" value="0" max="2" aria-label="0 of 2 certificates rendered">' in (
        page.content.decode()
    )

    first, second = Certificate.objects.order_by("sequence")
    services.certificate_render(certificate_id=first.pk)
    services.certificate_render_failed(certificate_id=second.pk, error="WeasyPrint: font missing", final=True)
    partial = _progress(client, project)
    text = " ".join(page_text(partial).split())
    assert text.startswith("Issuing 1 of 2 rendered, 0 e-mailed; 1 failed to render. This updates by itself.")
    assert f"Failed {second.serial} {second.holder_name}: WeasyPrint: font missing Retry {second.serial}" in text
    assert f'action="{reverse("certificates:retry", args=[second.pk])}"' in partial.content.decode()
    assert "hx-trigger" in partial.content.decode()  # the e-mail of the first is still on its way

    OutgoingEmail.objects.filter(key=f"certificate:{first.pk}").update(status=OutgoingEmail.Status.SENT)
    settled = _progress(client, project)
    assert "1 of 2 rendered, 1 e-mailed; 1 failed to render." in page_text(settled)
    assert "hx-trigger" not in settled.content.decode()  # nothing more happens by itself: polling stops

    client.post(reverse("certificates:retry", args=[second.pk]))  # the existing retry, from the list
    assert "1 of 2 rendered, 1 e-mailed. This updates by itself." in page_text(_progress(client, project))
    services.certificate_render(certificate_id=second.pk)
    OutgoingEmail.objects.filter(key=f"certificate:{second.pk}").update(
        status=OutgoingEmail.Status.FAILED, last_error="452 mailbox full"
    )
    done = _progress(client, project)
    text = " ".join(page_text(done).split())
    assert text.startswith("Issuing 2 of 2 rendered, 1 e-mailed; 1 e-mail not sent.")
    assert "Not sent" in text and "452 mailbox full Send again to" in text and "hx-trigger" not in done.content.decode()


@pytest.mark.django_db
def test_a_revoked_certificate_and_its_e_mail_leave_the_count(login, secretariat, finished_project):
    project, _, _ = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    first, second = Certificate.objects.order_by("sequence")
    services.certificate_render(certificate_id=first.pk)
    OutgoingEmail.objects.filter(key=f"certificate:{first.pk}").update(status=OutgoingEmail.Status.SENT)
    services.certificate_revoke(actor=secretariat, certificate=first, reason="Name misspelt")
    progress = selectors.certificate_progress(project)
    assert (progress.total, progress.rendered, progress.emails.total, progress.emails.sent) == (1, 0, 0, 0)


@pytest.mark.django_db
def test_only_the_secretariat_reads_the_progress(login, npo_officer, finished_project):
    project, _, _ = finished_project
    assert login(npo_officer).get(reverse("certificates:progress", args=[project.code])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_the_progress_is_counted_in_three_queries_at_any_size(django_assert_max_num_queries, size):
    project = ProjectFactory()
    for i in range(size):
        nomination = NominationFactory(project=project, status=Nomination.Status.SELECTED, priority_rank=i + 1)
        status = [RenderStatus.RENDERED, RenderStatus.FAILED, RenderStatus.PENDING][i % 3]
        certificate = Certificate.objects.create(
            project=project,
            nomination=nomination,
            sequence=i + 1,
            serial=f"APO-{i}",
            holder_name=nomination.full_name,
            render_status=status,
        )
        if status == RenderStatus.RENDERED:
            OutgoingEmail.objects.create(
                key=f"certificate:{certificate.pk}",
                to=nomination.email,
                subject="s",
                body="b",
                project=project,
                status=OutgoingEmail.Status.SENT if i % 2 else OutgoingEmail.Status.FAILED,
            )
    rendered = len(range(0, size, 3))
    with django_assert_max_num_queries(4):  # the counts; the failed certificates; e-mails' counts and failures
        progress = selectors.certificate_progress(project)
        assert (progress.total, progress.rendered, progress.failed) == (size, rendered, len(range(1, size, 3)))
        assert progress.emails.total == rendered and len(progress.failures) == progress.failed
