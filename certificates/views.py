import io
import zipfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from attendance import selectors as attendance_selectors
from audit.services import audit_log
from common.decorators import secretariat_required
from common.pdf import sha256
from common.web import posted
from projects import selectors as project_selectors

from . import credentials, rules, selectors, services, signing
from .forms import CredentialCheckForm, IssueForm, ReissueForm, RevokeForm, VerifyForm
from .models import Certificate, normalise_code


def _verify_rate(group, request) -> str:
    return settings.CERTIFICATE_VERIFY_RATE


# ------------------------------------------------------------------ the Secretariat


@secretariat_required
def manage(request, code):
    return _manage_page(request, project_selectors.project_get_for_secretariat(code=code))


def _manage_page(request, project, status=200):
    rows = selectors.certificate_rows(project)
    context = {
        "project": project,
        "rows": rows,
        "has_ended": services.project_has_ended(project),
        "needing_decision": [row for row in rows if row.needs_decision],
        "progress": selectors.certificate_progress(project),
    }
    context["pending"] = any(
        row.certificate and row.certificate.render_status == Certificate.RenderStatus.PENDING for row in context["rows"]
    )
    template = "certificates/_manage_table.html" if request.htmx else "certificates/manage.html"
    return render(request, template, context, status=status)


@secretariat_required
def progress(request, code):
    """The issuing's progress bar alone: the page asks for it every few seconds until nothing is left to do."""
    project = project_selectors.project_get_for_secretariat(code=code)
    context = {"project": project, "progress": selectors.certificate_progress(project)}
    return render(request, "certificates/manage.html#issuing-progress", context)


@require_POST
@secretariat_required
def issue(request, code):
    project = project_selectors.project_get_for_secretariat(code=code)
    form = IssueForm(request.POST, participants=attendance_selectors.participants_of(project))
    if not form.is_valid():
        for error in form.errors["nomination"]:
            messages.error(request, error)
        return _manage_page(request, project, status=400)
    only = form.cleaned_data["nomination"]
    nominations = [only] if only is not None else None
    try:
        counts = services.certificates_issue(actor=request.user, project=project, nominations=nominations)
    except services.CertificateError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{counts['issued']} certificate(s) issued and being prepared; {counts['already']} "
            f"already had one; {counts['ineligible']} not eligible.",
        )
    return redirect("certificates:manage", code=code)


@require_POST
@secretariat_required
def retry(request, pk):
    certificate = get_object_or_404(Certificate, pk=pk)
    services.certificate_retry(actor=request.user, certificate=certificate)
    messages.success(request, f"{certificate.serial} is being prepared again.")
    return redirect("certificates:manage", code=certificate.project.code)


@secretariat_required
def revoke(request, pk):
    certificate = get_object_or_404(Certificate.objects.select_related("project"), pk=pk)
    correcting = request.GET.get("reissue") or "reissue" in request.POST
    form = (ReissueForm if correcting else RevokeForm)(
        posted(request), initial={"holder_name": certificate.holder_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if correcting:
                new = services.certificate_reissue(
                    actor=request.user,
                    certificate=certificate,
                    reason=form.cleaned_data["reason"],
                    holder_name=form.cleaned_data["holder_name"],
                )
                messages.success(request, f"{certificate.serial} was revoked and replaced by {new.serial}.")
            else:
                services.certificate_revoke(
                    actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"{certificate.serial} was revoked.")
        except services.CertificateError as error:
            form.add_error(None, error)
        else:
            return redirect("certificates:manage", code=certificate.project.code)
    return render(
        request, "certificates/revoke.html", {"certificate": certificate, "form": form, "correcting": correcting}
    )


# ------------------------------------------------------------------ downloads: never a public URL


@login_required
def download(request, pk):
    certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
    if not rules.certificate_may_download(request.user, certificate):
        raise Http404("This certificate is no longer offered for download.")
    audit_log(
        actor=request.user,
        action="certificates.certificate.downloaded",
        target=certificate,
        economy=certificate.nomination.economy,
    )
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_zip(request, code):
    """Every valid certificate of the project the viewer may see (an NPO: their economy's), in one ZIP."""
    if not request.user.is_authenticated or not (request.user.is_npo_officer or request.user.is_secretariat):
        raise Http404
    project = project_selectors.project_get_for_viewer(user=request.user, code=code)
    certificates = [
        certificate
        for certificate in selectors.certificates_visible_to(request.user).filter(
            project=project, revoked_at__isnull=True
        )
        if rules.certificate_may_download(request.user, certificate)
    ]
    if not certificates:
        raise Http404("No certificate to download yet.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for certificate in certificates:
            with certificate.pdf.open("rb") as pdf:
                archive.writestr(f"{certificate.serial}.pdf", pdf.read())
    audit_log(
        actor=request.user,
        action="certificates.certificates.downloaded_zip",
        target=project,
        changes={"count": len(certificates)},
    )
    suffix = f"-{request.user.npo.economy.code}" if request.user.is_npo_officer else ""
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{project.code}-certificates{suffix}.zip"'
    return response


# ------------------------------------------------------------------ public verification


def throttled(request) -> HttpResponse:
    return render(
        request,
        "certificates/verify.html",
        {
            "form": VerifyForm(),
            "credential_form": CredentialCheckForm(),
            "throttled": True,
        },
        status=429,
    )


@cache_control(no_store=True, private=True)  # a public page that shows a holder's name (see PrivateAnswersMiddleware)
@ratelimit(key="ip", rate=_verify_rate, block=False)
def verify(request, code=None):
    """A certificate's validity by its code (typed, or from the QR code), or by uploading the PDF."""
    if getattr(request, "limited", False):
        return throttled(request)
    form = (
        VerifyForm(request.POST or None, request.FILES or None)
        if request.method == "POST"
        else VerifyForm(request.GET if "code" in request.GET else None)
    )
    context = {"form": form, "credential_form": CredentialCheckForm()}
    if code is not None:
        context["certificate"] = selectors.certificate_by_code(normalise_code(code))
        context["looked_up"] = True
    elif form.is_bound and form.is_valid():
        if form.cleaned_data.get("code"):
            return redirect("certificates:verify", code=form.cleaned_data["code"])
        uploaded = form.cleaned_data["pdf"]
        context["uploaded"] = True
        context["certificate"] = selectors.certificate_by_sha256(sha256(uploaded.read()))
    return render(
        request,
        "certificates/verify.html",
        context,
        status=200 if context.get("certificate") or not context.get("looked_up") else 404,
    )


# ------------------------------------------------------------------ Open Badges credentials


def _public(response: HttpResponse, max_age: int) -> HttpResponse:
    """What any verifier may fetch and keep for `max_age` seconds, from any origin (a wallet in a browser)."""
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(no_store=True, private=True)  # it names the holder, as the verification page does
@ratelimit(key="ip", rate=_verify_rate, block=False, group="certificates.credentials")
def credential(request, code):
    """The certificate's Open Badges credential, a VC-JWT, to keep in a wallet or hand to a verifier. A revoked
    certificate's is no longer handed out (410 Gone, with the verification page saying why and what replaces
    it): a copy already taken still verifies as signed, and its entry in the revocation list says revoked."""
    if getattr(request, "limited", False):
        return throttled(request)
    certificate = selectors.certificate_by_code(normalise_code(code))
    if certificate is None or certificate.status_index is None:
        raise Http404("No credential has this verification code.")
    if certificate.revoked_at:
        context = {
            "form": VerifyForm(),
            "credential_form": CredentialCheckForm(),
            "certificate": certificate,
            "looked_up": True,
            "credential_gone": True,
        }
        return render(request, "certificates/verify.html", context, status=410)
    response = HttpResponse(credentials.credential_jwt(certificate), content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.jwt"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@cache_control(no_store=True, private=True)
@ratelimit(key="ip", rate=_verify_rate, block=False, group="certificates.credentials")
def verify_credential(request):
    """Check a credential pasted or uploaded: its signature, issuer, certificate and revocation."""
    if getattr(request, "limited", False):
        return throttled(request)
    form = CredentialCheckForm(request.POST, request.FILES)
    context = {"form": VerifyForm(), "credential_form": form}
    if not form.is_valid():
        return render(request, "certificates/verify.html", context, status=400)
    context["check"] = credentials.check_credential(
        form.cleaned_data["credential"], certificates=selectors.certificates_issued()
    )
    return render(request, "certificates/verify.html", context)


@require_GET
def did_document(request):
    """The issuer's DID document (did:web): the public keys that sign the credentials."""
    return _public(JsonResponse(signing.did_document(), content_type="application/did+json"), 300)


@require_GET
def status_list(request, number):
    """Revocation list `number`, a signed BitstringStatusListCredential, built from the database now."""
    if not credentials.status_list_exists(number):
        raise Http404("No such revocation list.")
    response = HttpResponse(credentials.status_list_jwt(number), content_type="application/jwt")
    return _public(response, credentials.STATUS_LIST_MAX_AGE)
