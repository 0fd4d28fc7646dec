import datetime

from django.core.management.base import BaseCommand, CommandError

from nominations.reminders import reminders_due, reminders_send


class Command(BaseCommand):
    help = "List the reminders due now (a dry run), or send them with --send."

    def add_arguments(self, parser):
        parser.add_argument("--send", action="store_true", help="Queue the due reminders now.")
        parser.add_argument("--at", help="Pretend it is this instant (ISO 8601 with offset), for checking a schedule.")

    def handle(self, *args, send, at, **options):
        now = None
        if at:
            try:
                now = datetime.datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(
                    f"--at takes an ISO 8601 instant such as 2026-11-23T09:00+09:00, not {at!r}."
                ) from error
            if now.tzinfo is None:
                raise CommandError("--at needs a time zone offset, e.g. +09:00.")
        due = reminders_due(now=now)
        for reminder in due:
            self.stdout.write(f"{reminder.kind:20} {reminder.project.code:22} {reminder.to}")
        if not send:
            self.stdout.write(f"{len(due)} reminder(s) due. Dry run: nothing was sent (add --send).")
            return
        self.stdout.write(self.style.SUCCESS(f"{reminders_send(now=now)} reminder(s) queued."))
