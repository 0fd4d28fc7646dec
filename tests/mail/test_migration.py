"""The outbox moved from `nominations` to `mail` without losing a row: migrating a database as it was
before the move keeps every e-mail, its state and the permissions given on it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("nominations", "0006_outgoing_email_cancelled"), ("mail", None)]
AFTER = [("nominations", "0007_outgoing_email_moves_to_mail"), ("mail", "0002_outgoing_email_table_named_for_mail")]


def _migrate(targets):
    """Migrate to `targets`; the models as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.fixture
def _latest_migrations_after():
    """The tests after this one need the database as the latest migrations leave it (apps migrated since the
    move, nominations' 0008 say), not as AFTER does."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_latest_migrations_after")
def test_the_outbox_keeps_its_rows_and_permissions_when_it_moves_to_the_mail_app():
    old = _migrate(BEFORE)
    try:
        OldEmail = old.get_model("nominations", "OutgoingEmail")
        owed = OldEmail.objects.create(
            key="invitation:7",
            to="o'brien+tag@exämple.org",
            subject="Selected: «Ремонт» & <b>you</b>",
            body="token-made-when-sent",
            status="failed",
            attempts=6,
            last_error="550 mailbox unavailable",
        )
        ContentType = old.get_model("contenttypes", "ContentType")
        Permission = old.get_model("auth", "Permission")
        Group = old.get_model("auth", "Group")
        content_type = ContentType.objects.get(app_label="nominations", model="outgoingemail")
        readers = Group.objects.create(name="Mail readers")
        readers.permissions.add(Permission.objects.get(content_type=content_type, codename="view_outgoingemail"))
        assert "nominations_outgoingemail" in connection.introspection.table_names()
    finally:
        new = _migrate(AFTER)

    assert "nominations_outgoingemail" not in connection.introspection.table_names()
    Email = new.get_model("mail", "OutgoingEmail")
    assert list(
        Email.objects.values_list("pk", "key", "to", "subject", "body", "status", "attempts", "last_error")
    ) == [
        (
            owed.pk,
            "invitation:7",
            "o'brien+tag@exämple.org",
            "Selected: «Ремонт» & <b>you</b>",
            "token-made-when-sent",
            "failed",
            6,
            "550 mailbox unavailable",
        )
    ]
    Group = new.get_model("auth", "Group")
    assert list(
        Group.objects.get(name="Mail readers").permissions.values_list("content_type__app_label", "codename")
    ) == [("mail", "view_outgoingemail")]
    assert not new.get_model("contenttypes", "ContentType").objects.filter(
        app_label="nominations", model="outgoingemail"
    )

    # And the app's own model, migrated to the end, sees them: a new row goes into the renamed table beside the
    # old ones, and the old row has no retry scheduled (never tried since: due at once).
    from mail.models import OutgoingEmail

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert OutgoingEmail.objects.get(pk=owed.pk).next_attempt_at is None

    OutgoingEmail.objects.create(key="x:2", to="an@example.org", subject="Results", body="Hi")
    assert OutgoingEmail.objects.count() == 2
