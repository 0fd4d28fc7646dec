import logging

from django.conf import settings
from django.db import migrations, models

from accounts.email_address import normalize_email_or_none

logger = logging.getLogger(__name__)


def normalize_nomination_emails(apps, schema_editor):
    """Store every candidate's address normalized. Two live nominations of one project that would become
    one address are both left as they are and logged, for the Secretariat to decide."""
    Nomination = apps.get_model("nominations", "Nomination")
    rows = list(Nomination.objects.values_list("pk", "project_id", "email", "status"))
    live = {}
    for pk, project_id, email, status in rows:
        if status != "withdrawn":
            live.setdefault((project_id, normalize_email_or_none(email)), []).append(email)
    for pk, project_id, email, status in rows:
        normal = normalize_email_or_none(email)
        if normal is None:
            logger.warning("nominations.Nomination %s: the address %r cannot be normalized; left.", pk, email)
        elif normal != email and status != "withdrawn" and len(live[(project_id, normal)]) > 1:
            logger.warning("nominations.Nomination %s: %r collides with another nomination once normalized.", pk, email)
        elif normal != email:
            Nomination.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_exact_email"),
        ("nominations", "0004_outgoing_email_claim"),
        ("projects", "0003_participant_limits"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The old index compared Lower(email); drop it first so that normalizing cannot trip over it.
        migrations.RemoveConstraint(
            model_name="nomination",
            name="nominations_one_candidate_per_project",
        ),
        migrations.RunPython(normalize_nomination_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="nomination",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "withdrawn"), _negated=True),
                fields=("project", "email"),
                name="nominations_one_candidate_per_project",
                violation_error_message="This candidate (same e-mail address) is already nominated for this project.",
            ),
        ),
    ]
