from django.db import transaction

from audit.services import audit_log

from .models import User


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, time_zone: str) -> User:
    """Change what a user may change about themselves.

    Compares against the stored row, not `user`: a ModelForm has already written the new values into
    the instance it validated. Side effects: audit entry `accounts.user.profile_updated`.
    """
    stored = User.objects.select_for_update().get(pk=user.pk)
    changes = {}
    for field, new in {"full_name": full_name, "time_zone": time_zone}.items():
        old = getattr(stored, field)
        if old != new:
            setattr(stored, field, new)
            changes[field] = [old, new]
    if changes:
        stored.save(update_fields=list(changes))
        audit_log(actor=stored, action="accounts.user.profile_updated", target=stored, changes=changes)
    return stored
