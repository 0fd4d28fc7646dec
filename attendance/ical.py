"""Sessions as iCalendar, so that participants see the program in their own calendar and time zone."""

from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

FEED_SALT = "attendance.calendar_feed"


def feed_token(user) -> str:
    return signing.dumps(user.pk, salt=FEED_SALT)


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
