"""Issuing, rendering, revoking and reissuing certificates (PRODUCT.md rules 5-7).

Issuing writes Certificate rows (pending) in one transaction under the project's lock; the PDFs are
rendered afterwards by Celery in batches (one task and one WeasyPrint render per CERTIFICATE_RENDER_BATCH
certificates), each idempotent from the saved state: a run claims the rows it renders, and a certificate
already rendered is not rendered again, however often a task runs. A failed render is retried with back-off
from the database (`render_not_before`, found by beat's sweep), then shown as failed."""

import datetime
import functools
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, OuterRef, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from attendance import selectors as attendance_selectors
from audit.services import audit_log
from common.db import PerRow, count_of
from common.pdf import render_pdf, render_pdf_pages, sha256
from common.queue import enqueue
from common.zones import secretariat_date
from mail.services import email_queue_many, outgoing_email_cancel
from nominations.models import Nomination
from projects.changes import project_records_changed_on_commit
from projects.models import Project, Session

from . import rendering, tasks  # tasks imports this module back: module imports, so either may load first
from .models import STATUS_LIST_SIZE, Certificate

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


def _enqueue_renders(certificate_ids: list[int]) -> None:
    """After commit, one batch task per CERTIFICATE_RENDER_BATCH certificates."""
    size = settings.CERTIFICATE_RENDER_BATCH
    for start in range(0, len(certificate_ids), size):
        batch = certificate_ids[start : start + size]
        transaction.on_commit(lambda batch=batch: enqueue(tasks.render_certificates, batch))


def _status_entries(count: int) -> list[tuple[int, int]]:
    """`count` free entries (list number, index) of the credentials' revocation lists, each index drawn at
    random, in the newest list that has room (then the next), so that an entry tells nothing of when or for
    whom it was issued. One query per list read."""
    rng = secrets.SystemRandom()
    number = Certificate.objects.aggregate(last=Max("status_list"))["last"] or 1
    entries: list[tuple[int, int]] = []
    while len(entries) < count:
        used = set(Certificate.objects.filter(status_list=number).values_list("status_index", flat=True))
        wanted = min(count - len(entries), STATUS_LIST_SIZE - len(used))
        if len(used) + wanted <= STATUS_LIST_SIZE // 2:  # mostly free: draw and skip the few taken
            drawn: list[int] = []
            while len(drawn) < wanted:
                index = rng.randrange(STATUS_LIST_SIZE)
                if index not in used:
                    used.add(index)
                    drawn.append(index)
        else:
            drawn = rng.sample([index for index in range(STATUS_LIST_SIZE) if index not in used], wanted)
        entries += [(number, index) for index in drawn]
        number += 1
    return entries


def _insert_with_status_entry(certificate: Certificate) -> None:
    """Insert `certificate`; if another transaction took its status entry meanwhile (issuing for another
    project at the same moment), draw another. Any other refusal of the database is raised."""
    for _ in range(5):
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction goes on after a refusal
                certificate.save(force_insert=True)
            return
        except IntegrityError:
            taken = Certificate.objects.filter(
                status_list=certificate.status_list, status_index=certificate.status_index
            ).exists()
            if not taken:
                raise
            [(certificate.status_list, certificate.status_index)] = _status_entries(1)
    raise CertificateError("No free entry in the revocation list could be drawn; try again.")


def _create(
    *, actor, project: Project, nomination: Nomination, holder_name: str, status_entry: tuple[int, int] | None = None
) -> Certificate:
    """A new certificate with the project's next serial and its entry in the revocation lists (drawn here
    unless given). The caller holds the project's lock."""
    last = Certificate.objects.filter(project=project).aggregate(last=Max("sequence"))["last"] or 0
    status_list, status_index = status_entry or _status_entries(1)[0]
    certificate = Certificate(
        project=project,
        nomination=nomination,
        sequence=last + 1,
        serial=f"APO-{project.code}-{last + 1:03d}",
        holder_name=holder_name,
        issued_by=actor,
        issued_on=secretariat_date(),
        status_list=status_list,
        status_index=status_index,
    )
    _insert_with_status_entry(certificate)
    audit_log(
        actor=actor,
        action="certificates.certificate.issued",
        target=certificate,
        economy=nomination.economy,
        changes={"serial": certificate.serial, "holder_name": holder_name},
    )
    project_records_changed_on_commit(project.pk)  # the reports count certificates
    return certificate


@transaction.atomic
def certificates_issue(*, actor, project: Project, nominations=None) -> dict:
    """Issue a certificate to every eligible participant (or to the given ones) who has no valid one.

    Refused before the project's last session has ended. Running it again creates nothing twice: the
    project's lock serialises issuers, and a partial unique index backs the rule. Side effects: one
    render task per batch of new certificates, after commit; audit entries. Returns counts."""
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
    rows = list(rows)
    to_issue = [row for row in rows if row.eligible and row.nomination.pk not in holding]
    # The batch's entries in the revocation lists, drawn in one read of the list.
    issued = [
        _create(
            actor=actor,
            project=project,
            nomination=row.nomination,
            holder_name=row.nomination.full_name,
            status_entry=entry,
        ).pk
        for row, entry in zip(to_issue, _status_entries(len(to_issue)), strict=True)
    ]
    _enqueue_renders(issued)
    ineligible = sum(1 for row in rows if not row.eligible)
    return {"issued": len(issued), "already": len(rows) - len(issued) - ineligible, "ineligible": ineligible}


@dataclass
class RenderOutcome:
    rendered: int = 0
    failed: int = 0
    # The latest moment at which another run's claim on one of the asked-for certificates lapses, if any
    # is held: the task looks again then, in case that run died.
    held_until: datetime.datetime | None = None


def _claimable_q(now, claim: str) -> Q:
    """Pending, valid, and neither held by another live run nor waiting out a back-off."""
    return Q(render_status=RenderStatus.PENDING, revoked_at__isnull=True) & (
        Q(render_not_before__isnull=True) | Q(render_not_before__lte=now) | Q(render_claim=claim)
    )


def _claim(certificate_ids, claim: str) -> list[Certificate]:
    """Claim what can be claimed of the given certificates for this run, and read them for printing.

    On PostgreSQL the rows are picked with SKIP LOCKED, so a second run claiming at the same moment takes
    others instead of waiting; on both databases the UPDATE repeats the condition, so a row is claimed by
    one run only. A claim lapses after CERTIFICATE_RENDER_CLAIM_SECONDS: what a killed worker held is
    claimable again then, by the sweep's task or the same message redelivered (whose claim is its task id)."""
    now = timezone.now()
    with transaction.atomic():
        free = list(
            Certificate.objects.filter(_claimable_q(now, claim), pk__in=certificate_ids)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Certificate.objects.filter(_claimable_q(now, claim), pk__in=free).update(
            render_claim=claim,
            render_not_before=now + datetime.timedelta(seconds=settings.CERTIFICATE_RENDER_CLAIM_SECONDS),
        )
    _remove_files_left_by_earlier_runs(free, claim)
    return list(
        Certificate.objects.select_related("project__hosting_economy", "nomination__economy")
        # A correlated count, not Count() over a join, which would GROUP BY every column of four tables.
        .annotate(session_count=count_of(Session.objects.filter(project=OuterRef("project")), "project"))
        .filter(pk__in=free, render_claim=claim, render_status=RenderStatus.PENDING)
        .order_by("project_id", "sequence")
    )


def _remove_files_left_by_earlier_runs(certificate_ids, claim: str) -> None:
    """The files that earlier runs named (`render_file`) and never recorded, of the certificates this run now
    holds: a run killed after writing its PDF and before recording it. No such run can record it any more
    (`_record` records only under its own claim); one still alive removes its own file when it cannot."""
    left = Certificate.objects.filter(pk__in=certificate_ids, render_claim=claim).exclude(render_file="")
    storage = Certificate._meta.get_field("pdf").storage
    for pk, name in left.values_list("pk", "render_file"):
        storage.delete(name)  # nothing happens if the run died before its file existed
        Certificate.objects.filter(pk=pk, render_claim=claim, render_file=name).update(render_file="")


def _pdfs(certificates: list[Certificate]) -> list[bytes | Exception]:
    """Each certificate's PDF, from one WeasyPrint render of them all; if that fails (or a page overflowed),
    one render each, so that one bad certificate fails alone."""
    if len(certificates) > 1:
        try:
            return render_pdf_pages(rendering.certificates_html(certificates), titles=[c.serial for c in certificates])
        except Exception:
            logger.warning("A batch of %d certificates failed to render; rendering them one by one", len(certificates))
    pdfs = []
    for certificate in certificates:
        try:
            pdfs.append(render_pdf(rendering.certificate_html(certificate, sessions=certificate.session_count)))
        except Exception as error:
            pdfs.append(error)
    return pdfs


def _error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _each(values: dict[int, str]) -> PerRow:
    """One value per row, by primary key, for an UPDATE of many rows."""
    return PerRow(values, output_field=CharField())


def _record(rendered: list[tuple[Certificate, bytes]], claim: str) -> tuple[list[Certificate], list[tuple]]:
    """Store each PDF and record them, but none another run has recorded meanwhile; then owe each holder
    the e-mail. Returns the certificates recorded, and (certificate, error) for each whose file or record failed.

    A file is written whole or not at all (common.storage) and removed again if it is not recorded. The
    batch is recorded in three writes, whatever its size: the files' names, then the files, then the record
    with its e-mails."""
    storage = Certificate._meta.get_field("pdf").storage
    names = {
        certificate.pk: storage.generate_filename(
            certificate.pdf.field.generate_filename(certificate, f"{certificate.serial}.pdf")
        )
        for certificate, _ in rendered
    }
    # The names first, in a write of their own, so that a run killed after a file is written leaves its name
    # for the next run to remove; and only for what this run still holds.
    with transaction.atomic():
        held = set(
            Certificate.objects.select_for_update()
            .filter(pk__in=names, render_claim=claim)
            .values_list("pk", flat=True)
        )
        if held:
            Certificate.objects.filter(pk__in=held).update(render_file=_each({pk: names[pk] for pk in held}))
    saved, failed = [], []
    for certificate, pdf in rendered:
        if certificate.pk in held:
            try:
                saved.append((certificate, pdf, storage.save(names[certificate.pk], ContentFile(pdf))))
            except Exception as error:  # a full disk: this one fails, the others are recorded
                failed.append((certificate, error))
    if not saved:
        return [], failed
    try:
        with transaction.atomic():
            recorded = set(
                Certificate.objects.select_for_update()
                .filter(pk__in=[certificate.pk for certificate, _, _ in saved])
                .filter(revoked_at__isnull=True, render_claim=claim)
                .exclude(render_status=RenderStatus.RENDERED)
                .values_list("pk", flat=True)
            )
            mine = [(certificate, pdf, name) for certificate, pdf, name in saved if certificate.pk in recorded]
            for certificate, _, name in saved:
                if certificate.pk not in recorded:
                    transaction.on_commit(functools.partial(storage.delete, name))
            if mine:
                # The row's conditions again: on SQLite, which locks no rows, they guard what the lock does here.
                Certificate.objects.filter(pk__in=recorded, revoked_at__isnull=True, render_claim=claim).exclude(
                    render_status=RenderStatus.RENDERED
                ).update(
                    pdf=_each({certificate.pk: name for certificate, _, name in mine}),
                    sha256=_each({certificate.pk: sha256(pdf) for certificate, pdf, _ in mine}),
                    render_file="",
                    render_status=RenderStatus.RENDERED,
                    rendered_at=timezone.now(),
                    render_attempts=F("render_attempts") + 1,
                    render_error="",
                    render_claim="",
                    render_not_before=None,
                    render_failures=0,
                )
                email_queue_many([_ready_email(certificate) for certificate, _, _ in mine])
    except BaseException as error:
        for _, _, name in saved:
            storage.delete(name)  # not recorded: the files belong to nobody
        if not isinstance(error, Exception):  # the worker is stopping: nothing more runs
            raise
        return [], failed + [(certificate, error) for certificate, _, _ in saved]
    return [certificate for certificate, _, _ in mine], failed


def _ready_email(certificate: Certificate) -> dict:
    return {
        "key": f"certificate:{certificate.pk}",
        "to": certificate.nomination.email,
        "project": certificate.project,
        "subject": f"Your APO certificate of attendance: {certificate.project.title}",
        "template": "certificates/email/ready.txt",
        "context": {
            "certificate": certificate,
            "project": certificate.project,
            "link": settings.PORTAL_BASE_URL.rstrip("/") + reverse("certificates:download", args=[certificate.pk]),
            "verify": rendering.verification_url(certificate),
        },
    }


def certificates_render(*, certificate_ids, claim: str = "") -> RenderOutcome:
    """Render the given certificates' PDFs in one batch, record each one's file and SHA-256, e-mail each holder.

    Each certificate is rendered once: this run claims the rows it renders (`_claim`), skips what another
    run holds or what is waiting out a back-off, and records a PDF only if none is recorded yet (a duplicate
    run's file is removed), so two workers given the same certificate still make one PDF and one e-mail. A
    certificate whose render or file fails is tried again later with back-off (`certificate_render_failed`);
    the others of the batch are not held up by it."""
    claim = claim or uuid.uuid4().hex
    outcome = RenderOutcome()
    certificates = _claim(certificate_ids, claim)
    pdfs = list(zip(certificates, _pdfs(certificates), strict=True))
    recorded, failed = _record([(c, pdf) for c, pdf in pdfs if not isinstance(pdf, Exception)], claim)
    outcome.rendered = len(recorded)
    for certificate, error in [(c, pdf) for c, pdf in pdfs if isinstance(pdf, Exception)] + failed:
        logger.warning("Certificate %s failed to render: %s", certificate.serial, _error(error))
        outcome.failed += 1
        try:
            certificate_render_failed(certificate_id=certificate.pk, error=_error(error))
        except Exception:  # the database is gone too: the claim lapses and the sweep finds the row again
            logger.exception("Could not record the failure of certificate %s", certificate.serial)
    outcome.held_until = _held_until([pk for pk in certificate_ids if pk not in {c.pk for c in certificates}])
    return outcome


def _held_until(certificate_ids) -> datetime.datetime | None:
    """When to look again at certificates this run asked for but did not claim: when another run's claim lapses,
    or in a few seconds if one was claimable but locked at that moment (SKIP LOCKED passed it by); None if each
    is rendered, revoked, or waiting out a back-off (beat's sweep brings those back when due)."""
    now = timezone.now()
    left = Certificate.objects.filter(
        pk__in=certificate_ids, render_status=RenderStatus.PENDING, revoked_at__isnull=True
    )
    claimed = left.exclude(render_claim="").filter(render_not_before__gt=now).aggregate(until=Max("render_not_before"))
    if left.filter(Q(render_not_before__isnull=True) | Q(render_not_before__lte=now)).exists():
        return max(filter(None, [claimed["until"], now + datetime.timedelta(seconds=5)]))
    return claimed["until"]


def certificate_render(*, certificate_id: int) -> bool:
    """Render one certificate (a batch of one); False if there was nothing to do (rendered already, revoked,
    gone, held by another run or waiting out a back-off) or it failed."""
    return certificates_render(certificate_ids=[certificate_id]).rendered == 1


def render_retry_delay(failures: int) -> datetime.timedelta:
    """The wait after the n-th failure in a row: 1, 2, 4 … minutes."""
    return datetime.timedelta(minutes=2 ** (failures - 1))


def certificate_render_failed(*, certificate_id: int, error: str, final: bool = False) -> None:
    """Record a failed attempt. The certificate stays pending and is tried again after 1, 2, 4 … minutes
    (beat's sweep enqueues it once due); after CERTIFICATE_RENDER_ATTEMPTS failures in a row, or at once if
    `final`, it shows as failed with a retry button."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None or certificate.render_status == RenderStatus.RENDERED:
            return
        certificate.render_attempts += 1
        certificate.render_failures += 1
        certificate.render_error = error[:2000]
        certificate.render_claim = ""
        if final or certificate.render_failures >= settings.CERTIFICATE_RENDER_ATTEMPTS:
            certificate.render_status = RenderStatus.FAILED
            certificate.render_not_before = None
        else:
            certificate.render_not_before = timezone.now() + render_retry_delay(certificate.render_failures)
        certificate.save(
            update_fields=[
                "render_attempts",
                "render_failures",
                "render_error",
                "render_claim",
                "render_status",
                "render_not_before",
            ]
        )


@transaction.atomic
def certificate_retry(*, actor, certificate: Certificate) -> None:
    _secretariat(actor)
    updated = Certificate.objects.filter(
        pk=certificate.pk, render_status=RenderStatus.FAILED, revoked_at__isnull=True
    ).update(
        render_status=RenderStatus.PENDING, render_error="", render_failures=0, render_not_before=None, render_claim=""
    )
    if updated:
        audit_log(actor=actor, action="certificates.certificate.retried", target=certificate)
        _enqueue_render(certificate.pk)


@transaction.atomic
def certificate_revoke(
    *, actor, certificate: Certificate, reason: str, replaced_by: Certificate | None = None
) -> Certificate:
    """Revoke with a written reason. Side effects: audit entry; verification shows it revoked (or replaced);
    its entry in the credentials' revocation list is set from the commit on (the list is built from
    `revoked_at`: credentials.status_bits); its e-mail to the holder, if not sent yet, is cancelled."""
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
    (the nomination's name is corrected too). The new certificate has a credential of its own, with a new
    entry in the revocation list; the old one's entry is set by the revocation. Side effects: audit entries;
    a render task."""
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
            _enqueue_render(new.pk)
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
    now = timezone.now()
    return list(
        Certificate.objects.filter(
            render_status=RenderStatus.PENDING, revoked_at__isnull=True, issued_at__lt=now - older_than
        )
        # not one that a live run holds, nor one waiting out its back-off after a failure (`render_not_before`):
        # a task for it would only find it not yet due
        .filter(Q(render_not_before__isnull=True) | Q(render_not_before__lte=now))
        .order_by("issued_at")
        .values_list("pk", flat=True)[:1000]
    )
