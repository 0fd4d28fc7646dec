import logging

from django.db import migrations

from accounts.email_address import normalize_email_or_none

logger = logging.getLogger(__name__)


def normalize_user_emails(apps, schema_editor):
    """Store every address as accounts/email_address.py normalizes it. Two accounts that would become one
    address are both left as they are and logged: merging people is a decision, not a migration."""
    User = apps.get_model("accounts", "User")
    rows = list(User.objects.values_list("pk", "email"))
    wanted = {}
    for pk, email in rows:
        wanted.setdefault(normalize_email_or_none(email), []).append(pk)
    taken = {email for _, email in rows}
    for pk, email in rows:
        normal = normalize_email_or_none(email)
        if normal is None:
            logger.warning("accounts.User %s: the address %r cannot be normalized; left as it is.", pk, email)
        elif normal != email and (len(wanted[normal]) > 1 or normal in taken):
            logger.warning("accounts.User %s: %r collides with another account once normalized; left.", pk, email)
        elif normal != email:
            User.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_member_economies"),
    ]

    operations = [
        migrations.RunPython(normalize_user_emails, migrations.RunPython.noop),
        # Lower() folds letters that only look alike on PostgreSQL; the field's own unique index is exact.
        migrations.RemoveConstraint(
            model_name="user",
            name="accounts_user_email_ci_unique",
        ),
    ]
