"""Role checks for views. They read the role properties of the signed-in user (`accounts.User.is_secretariat`
and its like) and import no app, so that every app, the outbox below accounts included, can use them."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def role_required(predicate):
    """Anonymous users are sent to log in; signed-in users without the role get 404 (PRODUCT.md rule 8):
    a page they may not use is, for them, a page that does not exist."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise Http404("No such page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


secretariat_required = role_required(lambda user: user.is_secretariat)
npo_officer_required = role_required(lambda user: user.is_npo_officer)
participant_required = role_required(lambda user: user.is_participant)
