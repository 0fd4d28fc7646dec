"""`OutgoingEmail` now belongs to the `mail` app (`mail` 0001 takes it into its state): dropped from this
app's state only, its table and rows kept."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0006_outgoing_email_cancelled"),
        ("mail", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutgoingEmail")],
            database_operations=[],
        ),
    ]
