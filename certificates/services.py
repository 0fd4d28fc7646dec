"""Issuing, rendering, revoking and reissuing certificates (PRODUCT.md rules 5-7).

Issuing writes Certificate rows (pending) in one transaction under the project's lock; the PDFs are
rendered afterwards by Celery, one task per certificate, each idempotent from the saved state: a
certificate already rendered is not rendered again, however often the task runs."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from attendance import selectors as attendance_selectors
from audit.services import audit_log
from common.db import count_of
from common.pdf import render_pdf, sha256
from common.queue import enqueue
from common.zones import secretariat_date
from mail.services import email_queue, outgoing_email_cancel
from nominations.models import Nomination
from projects.changes import project_records_changed_on_commit
from projects.models import Project, Session

from . import rendering, tasks  # tasks imports this module back: module imports, so either may load first
from .models import Certificate

logger = logging.getLogger(__name__)
RenderStatus = Certificate.RenderStatus


class CertificateError(ValidationError):
    """A rule refused; the message says which."""


def _secretariat(actor) -> None:
    if not actor.is_secretariat:
        raise PermissionDenied("Only the APO Secretariat issues and revokes certificates.")


def project_has_ended(project: Project) -> bool:
    """The project's last session has ended, by the database clock."""
    return (
        Project.objects.filter(pk=project.pk, sessions__isnull=False)
        .annotate(last=Max("sessions__ends_at"))
        .filter(last__lt=Now())
        .exists()
    )


def _enqueue_render(certificate_id: int) -> None:
    transaction.on_commit(lambda: enqueue(tasks.render_certificate, certificate_id))


def _create(*, actor, project: Project, nomination: Nomination, holder_name: str) -> Certificate:
    """A new certificate with the project's next serial. The caller holds the project's lock."""
    last = Certificate.objects.filter(project=project).aggregate(last=Max("sequence"))["last"] or 0
    certificate = Certificate.objects.create(
        project=project,
        nomination=nomination,
        sequence=last + 1,
        serial=f"APO-{project.code}-{last + 1:03d}",
        holder_name=holder_name,
        issued_by=actor,
        issued_on=secretariat_date(),
    )
    audit_log(
        actor=actor,
        action="certificates.certificate.issued",
        target=certificate,
        economy=nomination.economy,
        changes={"serial": certificate.serial, "holder_name": holder_name},
    )
    _enqueue_render(certificate.pk)
    project_records_changed_on_commit(project.pk)  # the reports count certificates
    return certificate


@transaction.atomic
def certificates_issue(*, actor, project: Project, nominations=None) -> dict:
    """Issue a certificate to every eligible participant (or to the given ones) who has no valid one.

    Refused before the project's last session has ended. Running it again creates nothing twice: the
    project's lock serialises issuers, and a partial unique index backs the rule. Side effects: one
    render task per new certificate, after commit; audit entries. Returns counts."""
    _secretariat(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not project_has_ended(project):
        raise CertificateError("Certificates are issued once the project's last session has ended.")
    participants = attendance_selectors.participants_of(project)
    if nominations is not None:
        participants = participants.filter(pk__in=[n.pk for n in nominations])
    rows = attendance_selectors.participation(participants, project)
    holding = set(
        Certificate.objects.filter(project=project, revoked_at__isnull=True).values_list("nomination_id", flat=True)
    )
    issued = already = ineligible = 0
    for row in rows:
        if not row.eligible:
            ineligible += 1
        elif row.nomination.pk in holding:
            already += 1
        else:
            _create(actor=actor, project=project, nomination=row.nomination, holder_name=row.nomination.full_name)
            issued += 1
    return {"issued": issued, "already": already, "ineligible": ineligible}


def certificate_render(*, certificate_id: int) -> bool:
    """Render one certificate's PDF and record its SHA-256; then e-mail the participant a link.

    Idempotent: a certificate already rendered, or revoked, or gone, is left alone (returns False). The
    PDF is rendered and stored without holding a lock; one conditional UPDATE then records it only if no
    other run recorded one meanwhile (a duplicate run's file is removed), so two workers given the same
    certificate still make one PDF and one e-mail."""
    certificate = (
        Certificate.objects.select_related("project__hosting_economy", "nomination")
        # A correlated count, not Count() over a join, which would GROUP BY every column of four tables.
        .annotate(session_count=count_of(Session.objects.filter(project=OuterRef("project")), "project"))
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None or certificate.render_status == RenderStatus.RENDERED or certificate.revoked_at:
        return False
    pdf = render_pdf(rendering.certificate_html(certificate, sessions=certificate.session_count))
    storage = certificate.pdf.storage
    name = storage.save(
        certificate.pdf.field.generate_filename(certificate, f"{certificate.serial}.pdf"), ContentFile(pdf)
    )
    with transaction.atomic():
        recorded = (
            Certificate.objects.filter(pk=certificate_id, revoked_at__isnull=True)
            .exclude(render_status=RenderStatus.RENDERED)
            .update(
                pdf=name,
                sha256=sha256(pdf),
                render_status=RenderStatus.RENDERED,
                rendered_at=timezone.now(),
                render_attempts=F("render_attempts") + 1,
                render_error="",
            )
        )
        if not recorded:
            transaction.on_commit(lambda: storage.delete(name))
            return False
        email_queue(
            key=f"certificate:{certificate.pk}",
            to=certificate.nomination.email,
            project=certificate.project,
            subject=f"Your APO certificate of attendance: {certificate.project.title}",
            template="certificates/email/ready.txt",
            context={
                "certificate": certificate,
                "project": certificate.project,
                "link": settings.PORTAL_BASE_URL.rstrip("/") + reverse("certificates:download", args=[certificate.pk]),
                "verify": rendering.verification_url(certificate),
            },
        )
    return True


def certificate_render_failed(*, certificate_id: int, error: str, final: bool) -> None:
    """Record a failed attempt; after the last, the certificate shows as failed with a retry button."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.render_status == RenderStatus.RENDERED:
            return
        certificate.render_attempts += 1
        certificate.render_error = error[:2000]
        if final:
            certificate.render_status = RenderStatus.FAILED
        certificate.save(update_fields=["render_attempts", "render_error", "render_status"])


@transaction.atomic
def certificate_retry(*, actor, certificate: Certificate) -> None:
    _secretariat(actor)
    updated = Certificate.objects.filter(
        pk=certificate.pk, render_status=RenderStatus.FAILED, revoked_at__isnull=True
    ).update(render_status=RenderStatus.PENDING, render_error="")
    if updated:
        audit_log(actor=actor, action="certificates.certificate.retried", target=certificate)
        _enqueue_render(certificate.pk)


@transaction.atomic
def certificate_revoke(
    *, actor, certificate: Certificate, reason: str, replaced_by: Certificate | None = None
) -> Certificate:
    """Revoke with a written reason. Side effects: audit entry; verification shows it revoked (or replaced);
    its e-mail to the holder, if not sent yet, is cancelled."""
    _secretariat(actor)
    if not reason.strip():
        raise CertificateError("Write the reason for revoking; the verification page shows that it was revoked.")
    locked = Certificate.objects.select_for_update().select_related("nomination__economy").get(pk=certificate.pk)
    if locked.revoked_at:
        raise CertificateError(f"{locked.serial} was already revoked on {locked.revoked_on:%-d %B %Y}.")
    now = timezone.now()
    locked.revoked_at, locked.revoked_on = now, secretariat_date(now)
    locked.revoked_by, locked.revocation_reason = actor, reason.strip()
    locked.save(update_fields=["revoked_at", "revoked_on", "revoked_by", "revocation_reason"])
    project_records_changed_on_commit(locked.project_id)  # the reports count valid certificates
    # Its "certificate ready" e-mail, if still waiting, would send the holder a link that answers 404.
    outgoing_email_cancel(key=f"certificate:{locked.pk}", reason="The certificate was revoked before it was sent.")
    audit_log(
        actor=actor,
        action="certificates.certificate.revoked",
        target=locked,
        economy=locked.nomination.economy,
        note=reason.strip(),
    )
    return locked


@transaction.atomic
def certificate_reissue(*, actor, certificate: Certificate, reason: str, holder_name: str = "") -> Certificate:
    """Correct a certificate: revoke it and issue a new serial, with the corrected name if one is given
    (the nomination's name is corrected too). Side effects: audit entries; a render task."""
    _secretariat(actor)
    project = Project.objects.select_for_update().get(pk=certificate.project_id)
    nomination = Nomination.objects.select_for_update().select_related("economy").get(pk=certificate.nomination_id)
    name = " ".join(holder_name.split()) or nomination.full_name
    old = certificate_revoke(actor=actor, certificate=certificate, reason=reason)
    if name != nomination.full_name:
        audit_log(
            actor=actor,
            action="nominations.nomination.name_corrected",
            target=nomination,
            economy=nomination.economy,
            changes={"full_name": [nomination.full_name, name]},
            note=reason,
        )
        nomination.full_name = name
        nomination.save(update_fields=["full_name", "updated_at"])
    try:
        with transaction.atomic():
            new = _create(actor=actor, project=project, nomination=nomination, holder_name=name)
    except IntegrityError as error:
        raise CertificateError("This participant already has a valid certificate.") from error
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    return new


def certificates_pending_overdue(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> list[int]:
    """Pending certificates issued more than `older_than` ago, oldest first: beat's sweep enqueues them again
    (the broker was down or hung when they were issued, or a killed worker held their messages, which Redis
    would give back only after its visibility timeout, an hour). The sweep runs on the `pdf` queue every 30
    seconds and its message expires with the next one, so it runs once the renders queued before it were
    taken: what is pending and older than a minute then is lost (or being rendered, which the render's
    idempotence makes harmless). A killed worker's certificates are thus enqueued again within a minute of the
    queue draining. README, "What happens when"."""
    cutoff = timezone.now() - older_than
    return list(
        Certificate.objects.filter(render_status=RenderStatus.PENDING, revoked_at__isnull=True, issued_at__lt=cutoff)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:1000]
    )
