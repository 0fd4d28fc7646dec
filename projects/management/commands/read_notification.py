"""Print what the portal reads from a project notification: `manage.py read_notification FILE [--json]`.

FILE is a notification as text, PDF or DOCX ("-" reads text from standard input). Nothing is saved: this
is the reader the "new project from a notification" page uses, so that it can be checked on any file.
"""

import json
import pathlib
import sys

from django.core.management.base import BaseCommand, CommandError

from projects.notifications.files import NotificationFileError, text_of_file
from projects.selectors import notification_reading

LABELS = {
    "code": "Project code",
    "title": "Title",
    "project_type": "Type",
    "start_date": "Start date",
    "end_date": "End date",
    "hosting_economy": "Hosting economy",
    "modality": "Modality",
    "scope": "Scope",
    "implementing_organizations": "Implementing organizations",
    "participating_economies": "Participating economies",
    "overseas_participants": "Overseas participants",
    "local_participants": "Local participants",
    "per_economy_limit": "Participants per economy",
    "qualifications": "Qualifications of participants",
    "nomination_closes_at": "Closing date for nominations",
    "objectives": "Objectives",
    "background": "Background",
    "methodology": "Methodology",
    "certificate_requirement": "Certificate of attendance",
    "financial_arrangements": "Financial arrangements",
    "implementation_procedures": "Implementation procedures",
    "signatory_name": "Signed by",
    "signatory_title": "Signatory's position",
    "issued_on": "Date of issue",
}


class Command(BaseCommand):
    help = "Print the project fields read from a notification (text, PDF or DOCX); saves nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help='the notification: a .txt, .pdf or .docx file, or "-" for text on stdin')
        parser.add_argument("--json", action="store_true", help="one JSON object keyed by the project's field names")

    def handle(self, *args, file, **options):
        if file == "-":
            text = sys.stdin.read()
        else:
            path = pathlib.Path(file)
            if not path.is_file():
                raise CommandError(f"{file}: no such file")
            try:
                text = text_of_file(path.name, path.read_bytes())
            except NotificationFileError as error:
                raise CommandError(str(error)) from error
        reading = notification_reading(text)
        if options["json"]:
            self.stdout.write(json.dumps(reading.as_json(), ensure_ascii=False, indent=2))
            return
        data = reading.as_json()
        for name, label in LABELS.items():
            if name in data:
                value = data[name]
                value = ", ".join(value) if isinstance(value, list) else str(value)
                self.stdout.write(
                    f"{label}: {value}" if "\n" not in value else f"{label}:\n  " + value.replace("\n", "\n  ")
                )
        for day in data["sessions"]:
            self.stdout.write(f"Day {day['day']} ({day['date'] or 'date unknown'}):")
            for topic in day["topics"]:
                self.stdout.write(f"  - {topic}")
        for sentence in reading.unread:
            self.stdout.write(self.style.WARNING(f"Not read: {sentence}"))
