import pathlib

from django.core.management.base import BaseCommand, CommandError

from attendance import imports
from attendance.services import AttendanceError
from projects.models import Session


class Command(BaseCommand):
    help = "Import a session's attendance from a Zoom or Teams report; prints the same summary as the upload page."

    def add_arguments(self, parser):
        parser.add_argument("session", type=int, help="The session's id (shown in the register's URLs).")
        parser.add_argument("file", type=pathlib.Path, help="The report as Zoom or Teams exported it.")
        parser.add_argument("--dry-run", action="store_true", help="Print the summary; change nothing.")
        parser.add_argument("--time-zone", help="The time zone of the report's times (default: the project's).")
        parser.add_argument("--overwrite-staff", action="store_true", help="Also overwrite marks set by staff.")
        parser.add_argument(
            "--mark-missing-absent",
            action="store_true",
            help="Mark participants missing from the report absent over the marks they already have "
            "(by default only those with no mark yet become absent).",
        )
        parser.add_argument(
            "--confirm-changes",
            action="store_true",
            help="Apply even though existing marks change (the summary lists them).",
        )

    def handle(
        self,
        *args,
        session,
        file,
        dry_run,
        time_zone,
        overwrite_staff,
        mark_missing_absent,
        confirm_changes,
        **options,
    ):
        found = Session.objects.select_related("project").filter(pk=session).first()
        if found is None:
            raise CommandError(f"There is no session {session}.")
        if not file.is_file():
            raise CommandError(f"There is no file {file}.")
        zone = time_zone or found.project.time_zone
        data = file.read_bytes()
        options = {"overwrite_staff": overwrite_staff, "mark_missing_absent": mark_missing_absent}
        try:
            preview = imports.preview(found, imports.parse(found, data, zone), **options)
            for line in preview.summary_lines():
                self.stdout.write(line)
            if dry_run:
                self.stdout.write("Dry run: nothing was changed.")
                return
            if preview.changes and not confirm_changes:
                raise CommandError(
                    f"This import changes {len(preview.changes)} existing mark(s), listed above; nothing was "
                    "changed. Run again with --confirm-changes to apply it."
                )
            report = imports.report_upload(actor=None, session=found, data=data, filename=file.name, time_zone=zone)
            applied = imports.report_apply(actor=None, report=report, confirmed=preview.changes_digest, **options)
        except AttendanceError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Applied: {applied.summary['changed']} mark(s) changed (import {applied.pk}).")
        )
