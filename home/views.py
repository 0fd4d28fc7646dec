from django.shortcuts import redirect, render

from attendance import selectors as attendance_selectors
from attendance.services import check_in_is_open
from certificates import selectors as certificate_selectors
from mail.services import outgoing_emails_needing_attention
from nominations import selectors as nomination_selectors
from projects.selectors import projects_needing_attention

HOME_DECISIONS = 20  # certificates to decide on listed on the Secretariat's home; the rest on each project's page
HOME_LIST = 10  # rows of each list on a home page: each says how many there are in all and links to the rest
PROGRAM_SESSIONS = 8  # a participant's coming sessions listed on their home


def home(request):
    """The page a signed-in user lands on; anonymous visitors see the public catalogue."""
    user = request.user
    if not user.is_authenticated:
        return redirect("projects:catalogue")
    if user.is_secretariat:
        return render(request, "home/secretariat.html", _secretariat(user))
    if user.is_npo_officer:
        return render(request, "home/npo_officer.html", _npo_officer(user))
    return render(request, "home/participant.html", _participant(user))


def _secretariat(user) -> dict:
    """What waits on a decision of the Secretariat, each list with its count and the page that acts on it."""
    return {
        "attention": projects_needing_attention(limit=HOME_LIST),
        "to_review": nomination_selectors.projects_to_review(limit=HOME_LIST),
        "to_announce": nomination_selectors.projects_to_announce(limit=HOME_LIST),
        "attendance_to_record": attendance_selectors.projects_with_attendance_to_record(limit=HOME_LIST),
        "certificates_to_issue": certificate_selectors.projects_with_certificates_to_issue(limit=HOME_LIST),
        "emails_needing_attention": outgoing_emails_needing_attention().count(),
        "certificates_needing_decision": list(
            certificate_selectors.certificates_needing_decision()[: HOME_DECISIONS + 1]
        ),
        "home_decisions": HOME_DECISIONS,
    }


def _npo_officer(user) -> dict:
    economy = user.npo.economy
    projects = list(nomination_selectors.projects_open_to_economy(economy))
    lacking = nomination_selectors.nominations_lacking_documents(economy_id=economy.pk, projects=projects)
    for project in projects:
        project.lacking_documents = lacking[project.pk]
    return {
        "economy": economy,
        "projects": projects,
        "under_review": nomination_selectors.projects_under_review_for_economy(economy.pk, limit=HOME_LIST),
        "announced": nomination_selectors.projects_with_announced_results_for_economy(economy.pk, limit=HOME_LIST),
        "past": certificate_selectors.past_projects_of_economy(economy.pk, limit=HOME_LIST),
    }


def _participant(user) -> dict:
    sessions = attendance_selectors.sessions_of_participant(user, limit=PROGRAM_SESSIONS)
    next_session = sessions[0] if sessions else None
    return {
        "projects": nomination_selectors.projects_of_participant(user),
        "next_session": next_session,
        "check_in_open": next_session is not None and check_in_is_open(next_session),
        "sessions": sessions,
        "certificates": certificate_selectors.certificates_ready_for(user, limit=HOME_LIST),
    }
