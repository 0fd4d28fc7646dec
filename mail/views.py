from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from common.decorators import secretariat_required

from . import services
from .forms import ResendEmailForm


@secretariat_required
def failed_emails(request):
    status = 200
    if request.method == "POST":
        form = ResendEmailForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if services.outgoing_email_resend(actor=request.user, email=email):
                messages.success(request, f"“{email.subject}” to {email.to} is being sent again.")
            return redirect("mail:failed_emails")
        for error in form.errors["email"]:
            messages.error(request, error)
        status = 400
    page = Paginator(services.outgoing_emails_needing_attention(), 50).get_page(request.GET.get("page"))
    return render(request, "mail/failed_emails.html", {"page": page}, status=status)
