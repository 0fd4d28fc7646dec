"""factory_boy factories for the whole portal, in one place."""

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import NPO, Economy, User
from nominations.models import DECISIONS, Attachment, Nomination
from projects.changes import project_records_changed_on_commit
from projects.models import Project, Session, end_of_day

DEFAULT_PASSWORD = "a-long-test-password"


def economy(code: str) -> Economy:
    """The member economies are loaded by a migration: look them up, never create them."""
    return Economy.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    role = User.Role.PARTICIPANT
    time_zone = "Asia/Tokyo"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SecretariatFactory(UserFactory):
    role = User.Role.SECRETARIAT


class NPOOfficerFactory(UserFactory):
    role = User.Role.NPO_OFFICER
    npo = factory.LazyFunction(lambda: NPO.objects.get(economy__code="LK"))


class ParticipantFactory(UserFactory):
    role = User.Role.PARTICIPANT


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published digital workshop starting in 60 days, nominations open for 30 more days."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    # Three-digit numbers: the codes tests write out (26-CP-41-GE-DLN-A for finished_project, …) have two, so a
    # project made here never takes one of theirs, however many came before it in the process.
    code = factory.Sequence(lambda n: f"26-CP-{100 + n % 900}-GE-DLN-{chr(65 + (n // 900) % 26)}")
    title = factory.Sequence(lambda n: f"Workshop on Productivity {n}")
    project_type = Project.Type.WORKSHOP
    modality = Project.Modality.DIGITAL
    scope = Project.Scope.MULTICOUNTRY
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    end_date = factory.LazyAttribute(lambda p: p.start_date + datetime.timedelta(days=2))
    time_zone = "Asia/Tokyo"
    hosting_economy = factory.LazyFunction(lambda: economy("JP"))
    overseas_participants = 20
    local_participants = 5
    nomination_closes_at = factory.LazyAttribute(
        lambda p: end_of_day(p.start_date - datetime.timedelta(days=30), p.time_zone)
    )
    status = Project.Status.PUBLISHED

    @factory.post_generation
    def participating_economies(obj, create, extracted, **kwargs):
        if not create:
            return
        codes = extracted if extracted is not None else ["LK", "ID", "JP"]
        obj.participating_economies.set(Economy.objects.filter(code__in=codes))


class _CountedInReports:
    """Made as the services make them: the project's report figures are refreshed on commit."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        made = super()._create(model_class, *args, **kwargs)
        project_records_changed_on_commit(made.project_id)
        return made


class SessionFactory(_CountedInReports, factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(
        lambda s: datetime.datetime.combine(s.project.start_date, datetime.time(13), tzinfo=s.project.zone)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=3))


class NominationFactory(_CountedInReports, factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    project = factory.SubFactory(ProjectFactory)
    economy = factory.LazyFunction(lambda: economy("LK"))
    full_name = factory.Faker("name")
    gender = Nomination.Gender.FEMALE
    email = factory.Sequence(lambda n: f"candidate{n}@example.org")
    designation = "Director"
    organization = "Ministry of Public Administration"
    organization_type = Nomination.OrganizationType.GOVERNMENT
    english_proficiency = Nomination.EnglishProficiency.ADVANCED
    status = Nomination.Status.SUBMITTED
    # As if announced: a fixture's decision is one the NPO was told of, unless a test says otherwise.
    announced_status = factory.LazyAttribute(lambda n: n.status if n.status in DECISIONS else "")


def candidate(**overrides) -> dict:
    """The fields an NPO officer fills in for a candidate."""
    data = {
        "full_name": "Nguyễn Văn An",
        "gender": Nomination.Gender.MALE,
        "email": "an@example.org",
        "designation": "Deputy Director",
        "organization": "Ministry of Planning",
        "organization_type": Nomination.OrganizationType.GOVERNMENT,
        "english_proficiency": Nomination.EnglishProficiency.ADVANCED,
        "education": "MBA",
        "experience": "10 years",
        "expectations": "Learn",
    }
    data.update(overrides)
    return data


DOCUMENT_PDF = b"%PDF-1.7\n%a nomination's document\n%%EOF\n"


def document_file(kind: str, name: str | None = None, content: bytes = DOCUMENT_PDF) -> SimpleUploadedFile:
    """An uploaded document (a small PDF) as the browser sends it."""
    return SimpleUploadedFile(name or f"{kind}.pdf", content, content_type="application/pdf")


def documents(kinds=None) -> dict:
    """What the services take as a nomination's documents: {kind: uploaded file}, every kind by default."""
    return {kind: document_file(kind) for kind in (Attachment.Kind.values if kinds is None else kinds)}


def document_fields(kinds=None) -> dict:
    """The nomination form's file fields, filled: {"document_<kind>": uploaded file}."""
    return {f"document_{kind}": upload for kind, upload in documents(kinds).items()}
