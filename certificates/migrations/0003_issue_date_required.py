from django.db import migrations, models

import common.zones


class Migration(migrations.Migration):
    # Apart from 0002, so that PostgreSQL alters the table in a transaction with no updated rows pending.
    dependencies = [("certificates", "0002_issue_and_revocation_dates")]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="issued_on",
            field=models.DateField(default=common.zones.secretariat_date, verbose_name="issue date"),
        ),
    ]
