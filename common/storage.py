"""The private media storage: a file appears under its name only once it is whole.

Django's FileSystemStorage writes an upload straight under its final name, so a full disk or a killed
process leaves a partial file there (issue 20 item 4 found 0-byte and 8 KiB PDFs). Here the bytes go to a
hidden `.partial-*` file beside it, are flushed to disk, and are then renamed into place (Django's own move,
which never overwrites); whatever fails on the way, the partial file is removed. Only a process killed
mid-write can leave one behind, and `manage.py media_orphans` lists those with every other unreferenced file."""

import dataclasses
import datetime
import os
import tempfile

from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

PARTIAL_PREFIX = ".partial-"


class _WholeFile:
    """A file already complete on disk: FileSystemStorage._save moves it into place instead of writing it."""

    def __init__(self, path: str):
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        if hasattr(content, "temporary_file_path"):  # an upload Django spooled to disk: already whole, moved
            return super()._save(name, content)
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                self._write(out, content)
                out.flush()
                os.fsync(out.fileno())
            return super()._save(name, _WholeFile(partial))
        finally:
            if os.path.lexists(partial):  # not moved: whatever stopped the save, nothing half-written stays
                os.unlink(partial)

    def _write(self, out, content) -> None:
        for chunk in content.chunks():
            out.write(chunk if isinstance(chunk, bytes) else chunk.encode())


@dataclasses.dataclass(frozen=True)
class Orphan:
    path: str  # absolute
    name: str  # relative to its storage's folder, as a FileField would hold it
    size: int
    modified: datetime.datetime


def file_fields() -> list[models.FileField]:
    """Every FileField (and ImageField) of every installed model whose files live in a folder of this machine."""
    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and isinstance(field.storage, FileSystemStorage)
    ]


def unreferenced_files(*, older_than: datetime.timedelta) -> list[Orphan]:
    """Files in the folders of every FileField's storage that no row references, last written before
    `older_than` ago (a file saved a moment ago may not be recorded yet), partial files included; by path."""
    referenced: dict[str, set[str]] = {}
    for field in file_fields():
        names = referenced.setdefault(os.path.realpath(field.storage.location), set())
        rows = field.model._base_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
        names.update(rows.values_list(field.attname, flat=True).iterator())
    cutoff = timezone.now() - older_than
    orphans = []
    for location, names in referenced.items():
        for folder, _, files in os.walk(location):
            for file in files:
                path = os.path.join(folder, file)
                name = os.path.relpath(path, location).replace(os.sep, "/")
                stat = os.lstat(path)
                modified = datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC)
                if name not in names and modified < cutoff:
                    orphans.append(Orphan(path=path, name=name, size=stat.st_size, modified=modified))
    return sorted(orphans, key=lambda orphan: orphan.path)
