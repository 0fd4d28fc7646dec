"""`manage.py media_orphans`: the files in the private media folders that no record references (what a failed
or killed write left, a file whose record was deleted), listed, and removed only with --delete."""

import io
import os
import time
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from certificates import services
from certificates.models import Certificate
from nominations.models import Attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path):
    storages = {
        "default": {
            "BACKEND": "common.storage.AtomicFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield tmp_path


def _file(root, name: str, data: bytes = b"%PDF-1.7 half", *, hours_old: float = 2) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))
    return name


def _run(*args) -> str:
    out = io.StringIO()
    call_command("media_orphans", *args, stdout=out)
    return out.getvalue()


def test_unreferenced_files_are_listed_and_removed_only_when_asked(media, secretariat, finished_project):
    project, _, people = finished_project
    with mock.patch("certificates.services.enqueue"):
        services.certificates_issue(actor=secretariat, project=project)
    certificate = Certificate.objects.order_by("sequence").first()
    assert services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    attachment = Attachment.objects.create(
        nomination=people["minh"],
        kind=Attachment.Kind.choices[0][0],
        file=ContentFile(b"%PDF-1.7 cv", "cv.pdf"),
        file_type="pdf",
        original_name="cv.pdf",
        size=11,
    )
    for name in [certificate.pdf.name, attachment.file.name]:
        then = time.time() - 7200
        os.utime(media / name, (then, then))
    orphans = [
        _file(media, f"certificates/{project.pk}/0a1b2c.pdf", b""),  # a 0-byte PDF from before the change
        _file(media, f"certificates/{project.pk}/.partial-x1y2.part"),  # a write killed mid-way
        _file(media, "nominations/old-removed-cv.pdf"),
    ]
    recent = _file(media, f"certificates/{project.pk}/being-recorded.pdf", hours_old=0.1)

    listed = _run()
    for name in orphans:
        assert name in listed
    for kept in [certificate.pdf.name, attachment.file.name, recent]:
        assert kept not in listed
    assert "3 unreferenced files, 26 bytes. Run again with --delete to remove them." in listed
    assert "certificates.Certificate.pdf" in listed and "nominations.Attachment.file" in listed
    assert all((media / name).exists() for name in orphans)  # a dry run by default

    removed = _run("--delete")
    assert "Removed 3 unreferenced files, 26 bytes." in removed
    assert not any((media / name).exists() for name in orphans)
    assert all((media / name).exists() for name in [certificate.pdf.name, attachment.file.name, recent])
    assert "No unreferenced file." in _run("--delete")
    assert recent in _run("--older-than", "0")


def test_a_negative_age_is_refused(media):
    with pytest.raises(CommandError, match="number of minutes"):
        _run("--older-than", "-5")
