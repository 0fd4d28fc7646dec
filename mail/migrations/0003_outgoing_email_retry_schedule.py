"""The outbox keeps its retry policy on each row: when the next attempt is due after a failure that may pass
(`next_attempt_at`), and when beat's sweep last enqueued it (`enqueued_at`). Existing rows get neither: a
pending one is due at once, as before."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0002_outgoing_email_table_named_for_mail'),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingemail',
            name='enqueued_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outgoingemail',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(fields=['status', 'next_attempt_at'], name='mail_outgoing_status_next'),
        ),
    ]
