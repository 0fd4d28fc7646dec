from django.core.management.base import BaseCommand

from reports.services import figures_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the reports' stored figures of every project from its nominations, sessions, marks and "
        "certificates. Needed only after data was changed without the application (a bulk load, SQL)."
    )

    def handle(self, *args, **options):
        count = figures_rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Refreshed the figures of {count} projects.")
