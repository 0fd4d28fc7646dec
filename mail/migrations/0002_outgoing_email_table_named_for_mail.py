"""The outbox's table, its index and its content type take the `mail` app's names; every row stays as it is.
The content type is renamed rather than left behind, so that permissions given on it (and the admin's history)
follow the model. Audit entries keep the label they were written with (`nominations.outgoingemail`)."""

from django.db import migrations


def content_type_to_mail(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="mail", model="outgoingemail").exists():
        ContentType.objects.using(db).filter(app_label="nominations", model="outgoingemail").update(app_label="mail")


def content_type_to_nominations(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="nominations", model="outgoingemail").exists():
        ContentType.objects.using(db).filter(app_label="mail", model="outgoingemail").update(app_label="nominations")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("mail", "0001_initial"),
        ("nominations", "0007_outgoing_email_moves_to_mail"),
    ]

    operations = [
        migrations.AlterModelTable(name="outgoingemail", table=None),
        migrations.RenameIndex(
            model_name="outgoingemail",
            new_name="mail_outgoi_status_2daa7f_idx",
            old_name="nominations_status_9371b4_idx",
        ),
        migrations.RunPython(content_type_to_mail, content_type_to_nominations),
    ]
