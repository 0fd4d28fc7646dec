"""A full private media disk (issue 20 item 4): a PDF that cannot be written whole leaves no file at all, the
certificate stays pending and is tried again after 1, 2, 4 … minutes, and renders once when space returns;
only after CERTIFICATE_RENDER_ATTEMPTS failures in a row does it ask a person (the retry button).

The disk is simulated by a storage that writes part of each file and then raises ENOSPC, as a full disk
does, until space "returns"."""

import datetime
import errno
import os
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from certificates.tasks import render_pending_certificates
from common.storage import AtomicFileSystemStorage
from mail.models import OutgoingEmail

pytestmark = pytest.mark.django_db


class FullDisk(AtomicFileSystemStorage):
    """Room for `free` more bytes (None: plenty); a write beyond them writes what fits, then fails."""

    free: int | None = None

    def _write(self, out, content):
        for chunk in content.chunks():
            if FullDisk.free is not None and len(chunk) > FullDisk.free:
                out.write(chunk[: FullDisk.free])
                out.flush()
                FullDisk.free = 0
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            out.write(chunk)
            if FullDisk.free is not None:
                FullDisk.free -= len(chunk)


@pytest.fixture
def disk(tmp_path):
    storages = {
        "default": {"BACKEND": f"{__name__}.FullDisk", "OPTIONS": {"location": str(tmp_path), "base_url": None}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, PRIVATE_MEDIA_ROOT=str(tmp_path)):
        FullDisk.free = 8 * 1024  # 8 KiB left: less than one certificate
        yield tmp_path
        FullDisk.free = None


def _files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _issued(secretariat, project) -> list[Certificate]:
    with mock.patch("certificates.services.enqueue"):
        services.certificates_issue(actor=secretariat, project=project)
    return list(Certificate.objects.filter(project=project).order_by("sequence"))


def _time_passes(minutes: float) -> None:
    """As if `minutes` had passed: every waiting time in the rows moves back."""
    delta = datetime.timedelta(minutes=minutes)
    for certificate in Certificate.objects.all():
        certificate.issued_at -= delta
        if certificate.render_not_before:
            certificate.render_not_before -= delta
        certificate.save(update_fields=["issued_at", "render_not_before"])


def _sweep() -> None:
    """Beat's sweep, its tasks run inline."""
    with mock.patch("certificates.tasks.enqueue", side_effect=lambda task, *args: task.apply(args=args)):
        render_pending_certificates.apply()


def test_a_full_disk_leaves_no_partial_file_and_the_pdf_renders_once_space_returns(disk, secretariat, finished_project):
    project, _, _ = finished_project
    certificates = _issued(secretariat, project)

    outcome = services.certificates_render(certificate_ids=[c.pk for c in certificates])
    assert (outcome.rendered, outcome.failed) == (0, 2)
    assert _files(disk) == []  # neither the 8 KiB written before the disk filled up nor an empty file remains
    for certificate in Certificate.objects.all():
        assert certificate.render_status == "pending"  # not failed yet: it will be tried again by itself
        assert certificate.render_error == "OSError: [Errno 28] No space left on device"
        assert (certificate.render_failures, certificate.pdf.name) == (1, "")
        assert certificate.render_not_before > timezone.now() + datetime.timedelta(seconds=50)  # in a minute
    assert not OutgoingEmail.objects.exists()

    # Before the minute is up, beat's sweep finds them but leaves them waiting.
    _time_passes(6)  # past the sweep's threshold for the issue time, not past the back-off
    Certificate.objects.update(render_not_before=timezone.now() + datetime.timedelta(seconds=30))
    _sweep()
    assert set(Certificate.objects.values_list("render_status", "render_failures")) == {("pending", 1)}

    FullDisk.free = None  # space returns
    _time_passes(1)
    _sweep()
    _sweep()  # and again: nothing twice
    rendered = list(Certificate.objects.order_by("sequence"))
    assert {c.render_status for c in rendered} == {"rendered"}
    assert _files(disk) == sorted(c.pdf.name for c in rendered)  # one whole file each, nothing else
    for certificate in rendered:
        with certificate.pdf.open("rb") as file:
            assert file.read().rstrip().endswith(b"%%EOF")
    assert OutgoingEmail.objects.filter(key__startswith="certificate:").count() == 2


def test_a_disk_that_fills_up_during_a_batch_fails_only_the_pdfs_it_had_no_room_for(
    disk, secretariat, finished_project
):
    """The batch is rendered as one document and recorded together; the disk fills up after its first PDF:
    that one is recorded and e-mailed, the second waits with its error and leaves no partial file."""
    project, _, _ = finished_project
    first, second = _issued(secretariat, project)
    FullDisk.free = 40 * 1024  # room for one certificate (about 27 KiB), not two

    outcome = services.certificates_render(certificate_ids=[first.pk, second.pk])
    assert (outcome.rendered, outcome.failed) == (1, 1)
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.render_status, first.render_file, len(first.sha256)) == ("rendered", "", 64)
    assert (second.render_status, second.render_failures, second.pdf.name) == ("pending", 1, "")
    assert second.render_error == "OSError: [Errno 28] No space left on device"
    assert _files(disk) == [first.pdf.name]
    assert list(OutgoingEmail.objects.values_list("key", flat=True)) == [f"certificate:{first.pk}"]


def test_failures_back_off_1_2_4_minutes_then_ask_for_the_retry_button(disk, secretariat, finished_project, settings):
    settings.CERTIFICATE_RENDER_ATTEMPTS = 4
    project, _, _ = finished_project
    certificate = _issued(secretariat, project)[0]
    waits = []
    for _ in range(4):
        FullDisk.free = 0
        before = timezone.now()
        assert services.certificate_render(certificate_id=certificate.pk) is False
        certificate.refresh_from_db()
        if certificate.render_status == "pending":
            waits.append(round((certificate.render_not_before - before).total_seconds() / 60))
            _time_passes(waits[-1])
    assert waits == [1, 2, 4]
    assert (certificate.render_status, certificate.render_failures, certificate.render_attempts) == ("failed", 4, 4)
    assert _files(disk) == []

    FullDisk.free = None
    services.certificate_retry(actor=secretariat, certificate=certificate)  # the button
    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.render_failures, certificate.render_not_before) == (
        "pending",
        0,
        None,
    )
    assert services.certificate_render(certificate_id=certificate.pk) is True


def test_a_file_whose_record_fails_is_removed(disk, secretariat, finished_project):
    FullDisk.free = None
    project, _, _ = finished_project
    certificate = _issued(secretariat, project)[0]
    with mock.patch("certificates.services.email_queue_many", side_effect=RuntimeError("database went away")):
        assert services.certificate_render(certificate_id=certificate.pk) is False
    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.render_error) == ("pending", "RuntimeError: database went away")
    assert _files(disk) == []


def test_the_sweep_passes_over_a_certificate_waiting_out_its_back_off_or_held_by_a_live_run(
    disk, secretariat, finished_project
):
    """beat's sweep enqueues only what is due: a certificate whose back-off (or a live run's claim) runs until
    later is left alone, so no task is sent just to find it not yet due; once that time passes it is swept."""
    project, _, _ = finished_project
    waiting, due = _issued(secretariat, project)
    _time_passes(2)  # both older than the sweep's minute
    Certificate.objects.filter(pk=waiting.pk).update(render_not_before=timezone.now() + datetime.timedelta(minutes=3))
    Certificate.objects.filter(pk=due.pk).update(render_not_before=timezone.now() - datetime.timedelta(seconds=1))
    assert services.certificates_pending_overdue() == [due.pk]
    _time_passes(4)
    assert sorted(services.certificates_pending_overdue()) == sorted([waiting.pk, due.pk])


def test_a_run_killed_between_writing_its_pdf_and_recording_it_leaves_no_second_pdf(
    disk, secretariat, finished_project
):
    """A worker killed after its PDF reached the disk and before the database recorded it: the file is named
    on the row first (`render_file`), and the next run to claim the certificate removes it, so once the
    certificate is rendered again exactly one PDF is on disk: the one recorded."""
    FullDisk.free = None
    project, _, _ = finished_project
    certificate = _issued(secretariat, project)[0]
    killed = "the-killed-run"
    [claimed] = services._claim([certificate.pk], killed)
    # SIGKILL just after the file is in place, before the record: no line of the run runs after it, not even
    # its clean-up (the kill is raised where the record computes the hash; the clean-up is disabled)
    with (
        mock.patch("certificates.services.sha256", side_effect=SystemExit("killed")),
        mock.patch.object(FullDisk, "delete"),
        pytest.raises(SystemExit),
    ):
        services._record([(claimed, b"%PDF-1.7 whole\n%%EOF\n")], killed)
    certificate.refresh_from_db()
    assert certificate.pdf.name == "" and _files(disk) == [certificate.render_file]  # the dead run's file
    left_behind = certificate.render_file

    _time_passes(2)  # the dead run's claim lapses
    assert services.certificate_render(certificate_id=certificate.pk) is True
    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.render_file) == ("rendered", "")
    assert _files(disk) == [certificate.pdf.name]  # one PDF: the recorded one
    assert certificate.pdf.name not in left_behind


def test_a_run_whose_claim_was_taken_over_cannot_record_and_removes_its_own_file(disk, secretariat, finished_project):
    """A slow run whose claim lapsed and was taken by another: it may no longer record (the other may already
    have removed what it named), so it removes its own file, and the other run's PDF is the one."""
    FullDisk.free = None
    project, _, _ = finished_project
    certificate = _issued(secretariat, project)[0]
    [slow] = services._claim([certificate.pk], "the-slow-run")
    _time_passes(2)  # its claim lapses while it is still at work
    services._claim([certificate.pk], "the-next-run")  # and another run takes the certificate
    assert services._record([(slow, b"%PDF-1.7 late\n%%EOF\n")], "the-slow-run") == ([], [])
    assert _files(disk) == []
    certificate.refresh_from_db()
    assert (certificate.render_status, certificate.pdf.name) == ("pending", "")
    _time_passes(2)
    assert services.certificate_render(certificate_id=certificate.pk) is True
    certificate.refresh_from_db()
    assert _files(disk) == [certificate.pdf.name]
    assert OutgoingEmail.objects.filter(key=f"certificate:{certificate.pk}").count() == 1
