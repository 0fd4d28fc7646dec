"""List, and with --delete remove, files in the private media folders that no record references."""

import datetime
import os

from django.core.management.base import BaseCommand, CommandError

from common.storage import file_fields, unreferenced_files


class Command(BaseCommand):
    help = (
        "List the files in the private media folders that no record references (certificate PDFs, notification"
        " PDFs, nomination documents, attendance reports: every FileField), such as what a failed or killed"
        " render left. Nothing is removed without --delete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove the files listed")
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="only files last written at least this long ago (default 60): a file saved a moment ago may not"
            " be recorded yet",
        )

    def handle(self, *args, delete: bool, older_than: int, **options):
        if older_than < 0:
            raise CommandError("--older-than is a number of minutes, 0 or more.")
        fields = file_fields()
        orphans = unreferenced_files(older_than=datetime.timedelta(minutes=older_than))
        folders = sorted({field.storage.location for field in fields})
        self.stdout.write(
            f"Looked in {', '.join(folders)} for files referenced by none of "
            + ", ".join(sorted(f"{field.model._meta.label}.{field.name}" for field in fields))
            + f" (written over {older_than} minutes ago)."
        )
        for orphan in orphans:
            if delete:
                try:
                    os.unlink(orphan.path)
                except FileNotFoundError:
                    pass
            done = "removed " if delete else ""
            self.stdout.write(f"{done}{orphan.name}  {orphan.size} bytes  {orphan.modified:%Y-%m-%d %H:%M} UTC")
        total = sum(orphan.size for orphan in orphans)
        if not orphans:
            self.stdout.write("No unreferenced file.")
        elif delete:
            self.stdout.write(self.style.SUCCESS(f"Removed {len(orphans)} unreferenced files, {total} bytes."))
        else:
            self.stdout.write(
                f"{len(orphans)} unreferenced files, {total} bytes. Run again with --delete to remove them."
            )
