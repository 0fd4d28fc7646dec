import datetime

from django.core.management.base import BaseCommand

from demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data of the quick start (demo/data/): users, projects with their programs, nominations, "
        "decisions, attendance and certificates, each made through the portal's services. "
        "Idempotent: run it again to bring the demo back to its data and move the current projects' dates to today."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Date the current projects' dates are relative to (default: today in the Secretariat's time zone).",
        )

    def handle(self, *args, today=None, **options):
        counts = load_demo(today=today)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded: {users} users, {projects} projects, {sessions} sessions, {nominations} nominations, "
                "{marks} attendance marks, {certificates} certificates "
                "({created} records created, {updated} updated).".format(**counts)
            )
        )
        for warning in counts["warnings"]:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(
            f"Log in with password {DEMO_PASSWORD} as secretariat@example.org (Secretariat), "
            "npo-lk@example.org, npo-id@example.org, npo-ph@example.org or npo-in@example.org (NPO officers), "
            "or participant@example.org (participant)."
        )
