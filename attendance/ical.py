"""Sessions as iCalendar, so that participants see the program in their own calendar and time zone.

The feed's link is `feed_token(user)`: the user's id, and a keyed digest of their password hash and of the
key of their `CalendarFeed` (none until they first ask for a new link), all signed. Changing the password
(or setting it through a reset or the invitation) or asking for a new link changes the digest, and the old
link then finds nothing (404)."""

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

FEED_SALT = "attendance.calendar_feed"


def _feed_key(user) -> str:
    try:
        return user.calendar_feed.key
    except ObjectDoesNotExist:  # never asked for a new link
        return ""


def _digest(user) -> str:
    # Keyed by SECRET_KEY: the link must not be a way to test guesses of the password offline.
    return salted_hmac(FEED_SALT, f"{user.pk}|{user.password}|{_feed_key(user)}").hexdigest()[:24]


def feed_token(user) -> str:
    return signing.dumps([user.pk, _digest(user)], salt=FEED_SALT)


def feed_user_id(token: str) -> tuple[int, str] | None:
    """The (user id, digest) a token carries, or None if it is not one of ours."""
    try:
        user_id, digest = signing.loads(token, salt=FEED_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(digest, str):
        return None
    return user_id, digest


def feed_token_matches(user, digest: str) -> bool:
    """The token was made for the user as they are now: same password, same feed key."""
    return constant_time_compare(digest, _digest(user))


def sessions_calendar(sessions) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Asian Productivity Organization//APO Portal//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "APO sessions")
    for session in sessions:
        event = Event()
        event.add("uid", f"session-{session.pk}@apo-portal")
        event.add("summary", f"{session.project.code}: {session.title}")
        event.add("dtstart", session.starts_at)  # aware, in UTC: every calendar shows it in its own zone
        event.add("dtend", session.ends_at)
        event.add("dtstamp", timezone.now())
        event.add("location", session.project.venue_display)
        description = [session.project.title, *session.topic_list]
        if session.resource_person_list:
            description.append("Resource persons: " + "; ".join(session.resource_person_list))
        event.add("description", "\n".join(description))
        calendar.add_component(event)
    return calendar.to_ical()


def response(body: bytes, *, filename: str) -> HttpResponse:
    reply = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply
