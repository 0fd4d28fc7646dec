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

    def handle(self, *args, session, file, dry_run, time_zone, overwrite_staff, **options):
        found = Session.objects.select_related("project").filter(pk=session).first()
        if found is None:
            raise CommandError(f"There is no session {session}.")
        if not file.is_file():
            raise CommandError(f"There is no file {file}.")
        zone = time_zone or found.project.time_zone
        data = file.read_bytes()
        try:
            preview = imports.preview(found, imports.parse(found, data, zone))
            for line in preview.summary_lines(overwrite_staff=overwrite_staff):
                self.stdout.write(line)
            if dry_run:
                self.stdout.write("Dry run: nothing was changed.")
                return
            report = imports.report_upload(actor=None, session=found, data=data, filename=file.name, time_zone=zone)
            summary = imports.report_apply(actor=None, report=report, overwrite_staff=overwrite_staff)
        except AttendanceError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Applied: {summary['changed']} mark(s) changed."))
