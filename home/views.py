from django.shortcuts import redirect, render

from certificates.selectors import certificates_needing_decision
from mail.services import outgoing_emails_needing_attention
from nominations.selectors import projects_of_participant, projects_open_to_economy
from projects.selectors import projects_needing_attention

HOME_DECISIONS = 20  # certificates to decide on listed on the Secretariat's home; the rest on each project's page


def home(request):
    """The page a signed-in user lands on; anonymous visitors see the public catalogue."""
    user = request.user
    if not user.is_authenticated:
        return redirect("projects:catalogue")
    if user.is_secretariat:
        return render(
            request,
            "home/secretariat.html",
            {
                "attention": projects_needing_attention(),
                "emails_needing_attention": outgoing_emails_needing_attention().count(),
                "certificates_needing_decision": list(certificates_needing_decision()[: HOME_DECISIONS + 1]),
                "home_decisions": HOME_DECISIONS,
            },
        )
    if user.is_npo_officer:
        economy = user.npo.economy
        return render(
            request, "home/npo_officer.html", {"economy": economy, "projects": projects_open_to_economy(economy)}
        )
    return render(request, "home/participant.html", {"projects": projects_of_participant(user)})
