import zoneinfo

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import TruncDate


def fill_dates(apps, schema_editor):
    """Existing certificates get the day they were issued (and revoked) in the Secretariat's time zone,
    as the PDF printed it: WeasyPrint rendered in a worker, where that zone is the active one."""
    Certificate = apps.get_model("certificates", "Certificate")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    Certificate.objects.update(issued_on=TruncDate("issued_at", tzinfo=zone))
    Certificate.objects.filter(revoked_at__isnull=False).update(revoked_on=TruncDate("revoked_at", tzinfo=zone))


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="issued_on",
            field=models.DateField(null=True, verbose_name="issue date"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revoked_on",
            field=models.DateField(blank=True, null=True, verbose_name="revocation date"),
        ),
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
    ]
