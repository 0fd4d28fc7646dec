from django.db import transaction

from audit.services import audit_log

from .models import User


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, time_zone: str) -> User:
    """Change what a user may change about themselves. Side effects: audit entry `accounts.user.profile_updated`."""
    changes = {}
    for field, new in {"full_name": full_name, "time_zone": time_zone}.items():
        old = getattr(user, field)
        if old != new:
            setattr(user, field, new)
            changes[field] = [old, new]
    if changes:
        user.save(update_fields=list(changes))
        audit_log(actor=user, action="accounts.user.profile_updated", target=user, changes=changes)
    return user
