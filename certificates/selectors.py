"""Reads of certificates that depend on who is asking."""

from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, Now

from attendance import selectors as attendance_selectors
from attendance.participation import Participation, eligible_q, sessions_attended_of
from common.db import Bounded, bounded, count_of
from common.zones import secretariat_date
from mail.models import OutgoingEmail
from mail.selectors import FAILURES_SHOWN, OutboxProgress, outbox_progress
from nominations.models import Nomination
from nominations.rules import npo_seen_as_q
from projects.models import Project, Session

from .models import Certificate
from .rules import certificate_may_download


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Secretariat: all. NPO officer: their economy's. Participant: their own. Others: none."""
    certificates = Certificate.objects.select_related("project", "nomination__economy")
    if not user.is_authenticated:
        return certificates.none()
    if user.is_secretariat:
        return certificates
    if user.is_npo_officer:
        return certificates.filter(nomination__economy_id=user.economy_id)
    if user.is_participant:
        return certificates.filter(nomination__participant=user)
    return certificates.none()


def certificates_revoked_visible_to(user, project: Project) -> QuerySet[Certificate]:
    """The project's revoked certificates the viewer may see (an NPO: their economy's; a participant: their
    own), each with the certificate that replaces it, if any."""
    return (
        certificates_visible_to(user)
        .filter(project=project, revoked_at__isnull=False)
        .select_related("replaced_by")
        .order_by("holder_name", "sequence")
    )


def certificates_on_attendance_pages(*, user, project: Project) -> attendance_selectors.ShownCertificates:
    """What attendance's participants page and a participant's project page show of the project's certificates
    (`settings.ATTENDANCE_PAGE_CERTIFICATES`): the valid ones the viewer may download, by nomination, and the
    revoked ones the viewer may see, which the pages list with their replacements."""
    valid = certificates_visible_to(user).filter(project=project, revoked_at__isnull=True)
    return attendance_selectors.ShownCertificates(
        downloadable={c.nomination_id: c for c in valid if certificate_may_download(user, c)},
        revoked=list(certificates_revoked_visible_to(user, project)),
    )


def _issued() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("project__hosting_economy", "replaced_by").filter(
        render_status=Certificate.RenderStatus.RENDERED
    )


def certificates_issued() -> QuerySet[Certificate]:
    """What public verification knows of: certificates whose PDF was issued (valid, revoked or replaced)."""
    return _issued()


def certificate_by_code(code: str) -> Certificate | None:
    return _issued().filter(verification_code=code).first()


def certificate_by_sha256(digest: str) -> Certificate | None:
    return _issued().filter(sha256=digest).first()


@dataclass
class CertificateRow:
    participation: Participation
    certificate: Certificate | None
    history: list[Certificate]

    @property
    def needs_decision(self) -> bool:
        """A valid certificate whose holder is no longer eligible (PRODUCT.md rule 12): revoke it, or
        keep it by an override with a reason. Nothing is revoked by itself."""
        return self.certificate is not None and not self.participation.eligible


def certificate_rows(project: Project) -> list[CertificateRow]:
    """Each participant with their participation, their valid certificate and any revoked ones."""
    rows = attendance_selectors.participation(attendance_selectors.participants_of(project), project)
    by_nomination: dict[int, list[Certificate]] = {}
    for certificate in Certificate.objects.filter(project=project).order_by("sequence"):
        by_nomination.setdefault(certificate.nomination_id, []).append(certificate)
    result = []
    for row in rows:
        certificates = by_nomination.get(row.nomination.pk, [])
        valid = next((c for c in certificates if c.revoked_at is None), None)
        result.append(CertificateRow(row, valid, [c for c in certificates if c.revoked_at]))
    return result


def certificates_needing_decision() -> QuerySet[Certificate]:
    """Valid certificates whose holder is no longer eligible: not every session of the project attended
    (present or late), and no override (PRODUCT.md rules 5 and 12). Computed from the marks, whatever
    changed them: an import, the register or a check-in. One query."""
    return (
        Certificate.objects.filter(revoked_at__isnull=True)
        .exclude(eligible_q(nomination="nomination", project="project"))
        .annotate(  # what the home page shows of each
            attended=sessions_attended_of(nomination="nomination", project="project"),
            session_total=count_of(Session.objects.filter(project=OuterRef("project")), "project"),
        )
        .select_related("project", "nomination__economy")
        .order_by("project__code", "holder_name", "pk")
    )


# ---------------------------------------------------------------- what the home pages gather


def projects_with_certificates_to_issue(*, limit: int) -> Bounded:
    """For the Secretariat: projects whose sessions have all ended with eligible participants (rule 5) who
    have no valid certificate yet, or whose certificates failed to render; earliest first, each with
    `to_issue` and `failed` (how many)."""
    eligible_without = Nomination.objects.filter(
        eligible_q(), project=OuterRef("pk"), status=Nomination.Status.SELECTED
    ).exclude(Exists(Certificate.objects.filter(nomination=OuterRef("pk"), revoked_at__isnull=True)))
    failed = Certificate.objects.filter(
        project=OuterRef("pk"), revoked_at__isnull=True, render_status=Certificate.RenderStatus.FAILED
    )
    still_to_come = Session.objects.filter(project=OuterRef("pk"), ends_at__gt=Now())
    projects = (
        Project.objects.filter(
            Q(Exists(eligible_without)) & ~Q(Exists(still_to_come)) | Q(Exists(failed)),
            status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED, Project.Status.COMPLETED],
        )
        .only("code", "title", "start_date", "end_date", "time_zone")
        .annotate(to_issue=count_of(eligible_without, "project"), failed=count_of(failed, "project"))
        .order_by("end_date", "code")
    )
    return bounded(projects, limit)


def past_projects_of_economy(economy_id: int, *, limit: int) -> Bounded:
    """For an NPO officer: ended projects in which the economy had participants (as announced to it), latest
    first, each with `participant_count` and `certificate_count` (the valid ones it may download)."""
    participants = Nomination.objects.filter(
        npo_seen_as_q(Nomination.Status.SELECTED), project=OuterRef("pk"), economy_id=economy_id
    )
    certificates = Certificate.objects.filter(
        project=OuterRef("pk"),
        nomination__economy_id=economy_id,
        revoked_at__isnull=True,
        render_status=Certificate.RenderStatus.RENDERED,
    )
    projects = (
        Project.objects.filter(
            Exists(participants),
            status__in=[Project.Status.PUBLISHED, Project.Status.CLOSED, Project.Status.COMPLETED],
            end_date__lt=secretariat_date(),
        )
        .only("code", "title", "start_date", "end_date", "time_zone")
        .annotate(
            participant_count=count_of(participants, "project"), certificate_count=count_of(certificates, "project")
        )
        .order_by("-end_date", "code")
    )
    return bounded(projects, limit)


def certificates_ready_for(user, *, limit: int) -> list[Certificate]:
    """A participant's certificates they may download (valid and rendered), newest first."""
    return list(
        certificates_visible_to(user)
        .filter(revoked_at__isnull=True, render_status=Certificate.RenderStatus.RENDERED)
        .order_by("-issued_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class IssuingProgress:
    """How far a project's valid certificates have gone: `rendered` of `total` PDFs made, `failed` ones
    (listed in `failures`, each with a retry), and the e-mails telling their holders (`emails`)."""

    total: int
    rendered: int
    failed: int
    failures: list[Certificate]
    emails: OutboxProgress

    @property
    def pending(self) -> int:
        return self.total - self.rendered - self.failed

    @property
    def done(self) -> bool:
        """Nothing is left to happen by itself: every PDF rendered or failed, every e-mail sent or failed."""
        return self.pending == 0 and self.emails.done


def certificate_progress(project: Project) -> IssuingProgress:
    """The issuing of `project`'s certificates as its progress bar shows it, read from the rows: two queries,
    and one more for each list of failures, whatever the number of certificates."""
    valid = Certificate.objects.filter(project=project, revoked_at__isnull=True)
    RenderStatus = Certificate.RenderStatus
    counts = valid.aggregate(
        total=Count("pk"),
        rendered=Count("pk", filter=Q(render_status=RenderStatus.RENDERED)),
        failed=Count("pk", filter=Q(render_status=RenderStatus.FAILED)),
    )
    failures = []
    if counts["failed"]:
        failures = list(
            valid.filter(render_status=RenderStatus.FAILED)
            .only("serial", "holder_name", "render_error")
            .order_by("sequence")[:FAILURES_SHOWN]
        )
    # The e-mail of each valid certificate (`certificates.services.certificate_render` keys it so).
    keys = valid.annotate(key=Concat(Value("certificate:"), Cast("pk", CharField()))).values("key")
    return IssuingProgress(
        total=counts["total"],
        rendered=counts["rendered"],
        failed=counts["failed"],
        failures=failures,
        emails=outbox_progress(OutgoingEmail.objects.filter(project=project, key__in=keys)),
    )
