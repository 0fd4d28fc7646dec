"""The loader of the quick start's demo: its content is data (demo/data/*.yaml), put in the database through
the portal's own services.

Each project is taken through its life as the Secretariat and the NPOs would have lived it: created and
published by the demo Secretariat user; nominated for by an NPO officer of each nominating economy (drafts,
submissions, withdrawals); given its program; closed; decided within its limits and announced (which links
the selected demo participants to their nominations, creates accounts for the other selected candidates and
queues the e-mails the announcement sends); its attendance marked; completed; and its certificates issued.

Two things the services would refuse are done in an order they accept, and said so:

- A project whose nominations closed before today (the past projects, and the current one awaiting
  selection) is created with its dates moved ahead, as far as needed for nominations to be open, is
  nominated for, and is then given its real dates by `project_update` (audited as an update, as it was).
- The services stamp what they do with the present. The demo then dates publication, submissions, the
  announcement and attendance marks to when they would have happened, by bare updates of those
  timestamps only: no status or mark is written that way.

`load_demo()` is idempotent: users are keyed by e-mail, projects by code (a current project whose code's
year changed, by the rest of its code and its title), sessions by title within their project and
nominations by the candidate's e-mail within their project. A second run on the same day creates and
changes nothing (not even `updated_at` or the audit trail). A run on a later day moves the current
projects' dates, and their programs, along with `today`. What a service can no longer do (a demo project
or nomination changed by hand past where the demo would take it) is left as it is, with a warning.

This is the top of the apps' stack: it imports every app, and nothing but tests imports it.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import zoneinfo
from collections import Counter
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.email_address import normalize_email
from accounts.models import Economy, User
from attendance.models import Mark
from attendance.services import mark_set
from certificates.models import Certificate
from certificates.services import CertificateError, certificates_issue
from nominations.models import DECISIONS, Nomination
from nominations.services import nomination_create, nomination_decide, nomination_withdraw, project_announce
from projects.forms import SessionFormSet
from projects.models import Project, end_of_day
from projects.services import program_save, project_create, project_transition, project_update
from reports.services import figures_refresh

DATA_DIR = Path(__file__).resolve().parent / "data"

Status = Project.Status
Scope = Project.Scope
NominationStatus = Nomination.Status


@functools.cache
def _read(name: str) -> dict:
    with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as file:
        return yaml.safe_load(file)


# --------------------------------------------------------------------------------------------------
# The content, read from the data files
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class Candidate:
    """A person an NPO may nominate, with the biodata the nomination form asks for."""

    full_name: str
    gender: str
    email: str
    designation: str
    organization: str
    organization_type: str
    education: str
    experience: str
    english_proficiency: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    economy: str | None = None  # ISO code; the NPO of an officer, the home economy of a participant
    time_zone: str | None = None  # None: the economy's
    is_staff: bool = False
    is_superuser: bool = False
    logs_in: bool = True  # False: no usable password
    candidate: Candidate | None = None  # a participant's biodata, used on the nominations that select them


def _candidate(row: dict) -> Candidate:
    fields = {field.name for field in dataclasses.fields(Candidate)}
    return Candidate(**{**_read("people")["defaults"], **{k: v for k, v in row.items() if k in fields}})


def _people():
    people = _read("people")
    secretariat = DemoUser(role=User.Role.SECRETARIAT, is_staff=True, is_superuser=True, **people["secretariat"])
    officers = [DemoUser(role=User.Role.NPO_OFFICER, **row) for row in people["npo_officers"]]
    others = [DemoUser(role=User.Role.NPO_OFFICER, logs_in=False, **row) for row in people["other_npo_officers"]]
    participants = [
        DemoUser(
            email=row["email"],
            full_name=row["full_name"],
            role=User.Role.PARTICIPANT,
            economy=row["economy"],
            candidate=_candidate(row),
        )
        for row in people["participants"]
    ]
    candidates = {code: [_candidate(row) for row in rows] for code, rows in people["candidates"].items()}
    return people["password"], secretariat, officers, others, participants, candidates


DEMO_PASSWORD, SECRETARIAT, NPO_OFFICERS, OTHER_NPO_OFFICERS, PARTICIPANTS, CANDIDATES = _people()
DEMO_USERS = [SECRETARIAT, *NPO_OFFICERS, *PARTICIPANTS]  # the logins of the README
ALL_DEMO_USERS = [*DEMO_USERS, *OTHER_NPO_OFFICERS]
PARTICIPANT_BY_EMAIL = {p.email: p for p in PARTICIPANTS}
# Economies whose NPO officer logs in: they always have some work in progress on open projects.
OFFICER_ECONOMIES = frozenset(user.economy for user in NPO_OFFICERS)


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoSession:
    day: int  # 0: the project's first day
    start: str  # "13:00", in the project's time zone
    end: str
    title: str
    topics: tuple[str, ...] = ()
    resource_persons: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class DemoProject:
    code: str
    title: str
    project_type: str
    modality: str
    scope: str
    start_date: datetime.date
    end_date: datetime.date
    closing_date: datetime.date
    time_zone: str
    venue: str  # "" for online
    hosting_economy: str
    implementing_organizations: str
    participating_economies: str | tuple[str, ...]  # "all", "all but the host", or the economies
    overseas_participants: int
    local_participants: int
    per_economy_limit: int | None
    qualifications: str
    objectives: str
    background: str
    sections: dict  # the notification's sections 3 to 5 and its signature, as the project's field names
    status: str
    cancel_reason: str
    sessions: tuple[DemoSession, ...]
    focus: str  # the subject, in candidates' expectations
    nominating: tuple[str, ...]  # economies that nominated, in this order
    selected_participants: tuple[str, ...]  # demo participant e-mails selected for this project
    relative: bool  # the dates follow `today`


def _demo_project(row: dict, *, today: datetime.date | None) -> DemoProject:
    row = {**_read("projects")["defaults"], **row}
    dates = row["dates"]
    if today is None:
        start, end, closing = dates["start"], dates["end"], dates["closing"]
    else:
        start, end, closing = (today + datetime.timedelta(days=dates[key]) for key in ("start", "end", "closing"))
    times = row.get("session_times") or (None, None)
    people = row.get("resource_persons", {})
    places = row["places"]
    participating = row["participating_economies"]
    return DemoProject(
        code=row["code"].format(yy=f"{start.year % 100:02d}"),
        title=row["title"],
        project_type=row["type"],
        modality=row["modality"],
        scope=row["scope"],
        start_date=start,
        end_date=end,
        closing_date=closing,
        time_zone=row["time_zone"],
        venue=row["venue"],
        hosting_economy=row["hosting_economy"],
        implementing_organizations=row["implementing_organizations"],
        participating_economies=participating if isinstance(participating, str) else tuple(participating),
        overseas_participants=places["overseas"],
        local_participants=places["local"],
        per_economy_limit=places.get("per_economy"),
        qualifications=row["qualifications"],
        objectives=row["objectives"],
        background=row["background"],
        sections=dict(row.get("sections") or {}),
        status=row["status"],
        cancel_reason=row["cancel_reason"],
        sessions=tuple(
            DemoSession(
                day=session["day"],
                start=session.get("start", times[0]),
                end=session.get("end", times[1]),
                title=session["title"],
                topics=tuple(session.get("topics", ())),
                resource_persons=tuple(people.get(person, person) for person in session.get("resource_persons", ())),
            )
            for session in row.get("sessions", ())
        ),
        focus=row["focus"],
        nominating=tuple(row.get("nominating", ())),
        selected_participants=tuple(row.get("selected_participants", ())),
        relative=today is not None,
    )


def demo_projects(today: datetime.date) -> list[DemoProject]:
    """The past projects as they were, and the current ones with their dates relative to `today`."""
    data = _read("projects")
    return [
        *(_demo_project(row, today=None) for row in data["past_projects"]),
        *(_demo_project(row, today=today) for row in data["current_projects"]),
    ]


# --------------------------------------------------------------------------------------------------
# Nominations: who each economy nominated, and where each nomination ends up
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DemoNomination:
    economy: str
    candidate: Candidate
    status: str
    priority_rank: int
    is_overseas: bool


def nomination_plan(spec: DemoProject, today: datetime.date) -> list[DemoNomination]:
    """Who each economy nominated for `spec`, in order, and where each nomination stands.

    Decided projects (closed, completed) keep within the overseas, local and per-economy numbers; the demo
    participants listed in `selected_participants` are always among the selected. Withdrawn candidates
    come last in their economy's list.
    """
    plan = []
    decided = spec.status in (Status.CLOSED, Status.COMPLETED)
    awaiting = spec.status == Status.PUBLISHED and spec.closing_date < today
    early = spec.status == Status.PUBLISHED and (spec.closing_date - today).days > 30
    left = {True: spec.overseas_participants, False: spec.local_participants}
    if spec.per_economy_limit:
        cap = spec.per_economy_limit
    else:
        cap = 2 if spec.scope == Scope.MULTICOUNTRY else None
    for i, code in enumerate(spec.nominating):
        is_overseas = code != spec.hosting_economy
        chosen = [
            PARTICIPANT_BY_EMAIL[email].candidate
            for email in spec.selected_participants
            if PARTICIPANT_BY_EMAIL[email].economy == code
        ]
        forced = {c.email for c in chosen}
        pool = CANDIDATES[code]
        if decided:
            # An individual-country project takes everyone its one economy nominates: a few more of them.
            extra = 3 if spec.scope == Scope.INDIVIDUAL_COUNTRY else 2 + i % 2
            chosen = (chosen + pool[:extra])[:4]
            statuses = []
            selected_here = 0
            for rank, candidate in enumerate(chosen, 1):
                if candidate.email in forced:
                    if left[is_overseas] <= 0:
                        raise ValueError(f"{spec.code}: no room left to select {candidate.email}")
                    status = NominationStatus.SELECTED
                elif i % 5 == 3 and rank == len(chosen):
                    status = NominationStatus.WITHDRAWN
                elif left[is_overseas] > 0 and (cap is None or selected_here < cap):
                    status = NominationStatus.SELECTED
                elif NominationStatus.WAITLISTED not in statuses and i % 2 == 0:
                    status = NominationStatus.WAITLISTED
                else:
                    status = NominationStatus.REJECTED
                if status == NominationStatus.SELECTED:
                    left[is_overseas] -= 1
                    selected_here += 1
                statuses.append(status)
        elif early:
            chosen, statuses = pool[:1], [NominationStatus.DRAFT]
        elif awaiting:
            chosen = pool[: 2 + i % 2]
            statuses = [NominationStatus.SUBMITTED] * len(chosen)
            if i % 4 == 1:
                statuses[-1] = NominationStatus.WITHDRAWN
        elif spec.status == Status.PUBLISHED:  # nominations open
            if code in OFFICER_ECONOMIES:
                chosen = pool[:3]
                statuses = [NominationStatus.SUBMITTED, NominationStatus.SUBMITTED, NominationStatus.DRAFT]
            else:
                chosen = pool[: 1 + i % 2]
                statuses = [NominationStatus.SUBMITTED] * len(chosen)
                if i % 4 == 3:
                    statuses[-1] = NominationStatus.WITHDRAWN
        elif spec.status == Status.CANCELLED:
            chosen = pool[:2]
            statuses = [NominationStatus.SUBMITTED] * len(chosen)
        else:  # a draft project has no nominations
            chosen, statuses = [], []
        for rank, (candidate, status) in enumerate(zip(chosen, statuses, strict=True), 1):
            plan.append(DemoNomination(code, candidate, status, rank, is_overseas))
    return plan


# --------------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------------

# The statuses a demo project passes through, in order, to reach its demo status.
STATUS_PATHS = {
    Status.DRAFT: [Status.DRAFT],
    Status.PUBLISHED: [Status.DRAFT, Status.PUBLISHED],
    Status.CLOSED: [Status.DRAFT, Status.PUBLISHED, Status.CLOSED],
    Status.COMPLETED: [Status.DRAFT, Status.PUBLISHED, Status.CLOSED, Status.COMPLETED],
    Status.CANCELLED: [Status.DRAFT, Status.PUBLISHED, Status.CANCELLED],
}
DECIDED = (Status.CLOSED, Status.COMPLETED)


class _Tally:
    def __init__(self):
        self.created = Counter()
        self.updated = Counter()
        self.total = Counter()
        self.warnings: list[str] = []

    def count(self, kind: str, *, created: bool = False, updated: bool = False):
        self.total[kind] += 1
        if created:
            self.created[kind] += 1
        elif updated:
            self.updated[kind] += 1

    def as_dict(self) -> dict:
        kinds = ("users", "projects", "sessions", "nominations", "marks", "certificates")
        return {
            **{kind: self.total[kind] for kind in kinds},
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "warnings": self.warnings,
        }


@dataclasses.dataclass
class _Run:
    """What every step of one load needs."""

    today: datetime.date
    now: datetime.datetime
    economies: dict[str, Economy]
    users: dict[str, User]
    tally: _Tally

    @property
    def secretariat(self) -> User:
        return self.users[SECRETARIAT.email]

    def officer_of(self, economy: str) -> User:
        return self.users[next(u.email for u in NPO_OFFICERS + OTHER_NPO_OFFICERS if u.economy == economy)]


def _sync(obj, values: dict) -> list[str]:
    """Set `values` on `obj`; return the names of the fields that changed."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    return changed


class _Password:
    """The demo password's hash, made once and shared by every demo login.

    Hashing is slow on purpose (PBKDF2 takes ~0.2 s); hashing once per user would make the load take
    seconds, so the users share one salted hash. Fine for demo accounts, which share the password anyway.
    """

    def __init__(self):
        self._encoded = None
        self._checked: dict[str, bool] = {}

    @property
    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(DEMO_PASSWORD)
            self._checked[self._encoded] = True
        return self._encoded

    def is_demo_password(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = bool(encoded) and check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def _load_users(economies: dict[str, Economy], tally: _Tally) -> dict[str, User]:
    """The demo users, written directly: the portal has no service that creates an account with a password
    (people are invited, or created by an announcement); nothing here is a status."""
    password = _Password()
    users = {}
    existing = {
        user.email: user for user in User.objects.filter(email__in=[normalize_email(u.email) for u in ALL_DEMO_USERS])
    }
    for spec in ALL_DEMO_USERS:
        economy = economies[spec.economy] if spec.economy else None
        values = {
            "full_name": spec.full_name,
            "role": spec.role,
            "npo_id": economy.npo.pk if spec.role == User.Role.NPO_OFFICER else None,
            "time_zone": spec.time_zone or economy.time_zone,
            "is_staff": spec.is_staff,
            "is_superuser": spec.is_superuser,
            "is_active": True,
        }
        user = existing.get(normalize_email(spec.email))
        if user is None:
            user = User(email=normalize_email(spec.email), **values)
            if spec.logs_in:
                user.password = password.encoded
            else:
                user.set_unusable_password()
            user.save()
            tally.count("users", created=True)
        else:
            changed = _sync(user, values)
            if spec.logs_in and not password.is_demo_password(user.password):
                user.password = password.encoded
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
            tally.count("users", updated=bool(changed))
        users[spec.email] = user
    return users


def _project_data(spec: DemoProject, economies: dict[str, Economy]) -> dict:
    return {
        "code": spec.code,
        "title": spec.title,
        "project_type": spec.project_type,
        "modality": spec.modality,
        "scope": spec.scope,
        "start_date": spec.start_date,
        "end_date": spec.end_date,
        "time_zone": spec.time_zone,
        "venue": spec.venue,
        "hosting_economy": economies[spec.hosting_economy],
        "implementing_organizations": spec.implementing_organizations,
        "overseas_participants": spec.overseas_participants,
        "local_participants": spec.local_participants,
        "per_economy_limit": spec.per_economy_limit,
        "qualifications": spec.qualifications,
        "objectives": spec.objectives,
        "background": spec.background,
        **spec.sections,
        "nomination_closes_at": end_of_day(spec.closing_date, spec.time_zone),
    }


def _participating(spec: DemoProject, economies: dict[str, Economy]) -> list[Economy]:
    if spec.participating_economies == "all":
        codes = sorted(economies)
    elif spec.participating_economies == "all but the host":
        codes = sorted(set(economies) - {spec.hosting_economy})
    else:
        codes = spec.participating_economies
    return [economies[code] for code in codes]


def _while_open(spec: DemoProject, data: dict, run: _Run) -> dict:
    """The project's data as it is created: its dates moved ahead, all by the same number of days, when
    nominations must be made for it but its closing date has passed."""
    if spec.status == Status.DRAFT or data["nomination_closes_at"] > run.now + datetime.timedelta(hours=1):
        return data
    shift = datetime.timedelta(days=(run.today - spec.closing_date).days + 2)
    return {
        **data,
        "start_date": spec.start_date + shift,
        "end_date": spec.end_date + shift,
        "nomination_closes_at": end_of_day(spec.closing_date + shift, spec.time_zone),
    }


def _find_project(spec: DemoProject) -> Project | None:
    projects = Project.objects.select_related("hosting_economy")
    project = projects.filter(code=spec.code).first()
    if project is None and spec.relative:
        # Loaded on an earlier day, when the project started in another year: same code but for the year.
        project = projects.filter(code__endswith=spec.code[2:], title=spec.title).order_by("pk").first()
    return project


def _at(day: datetime.date, hour: int, spec: DemoProject) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=zoneinfo.ZoneInfo(spec.time_zone))


def _published_at(spec: DemoProject, today: datetime.date) -> datetime.datetime:
    """When the notification went out: about six weeks before the closing date, and never after yesterday."""
    return _at(min(spec.closing_date - datetime.timedelta(days=45), today - datetime.timedelta(days=1)), 10, spec)


def _announced_at(spec: DemoProject) -> datetime.datetime:
    """When the results went out: a week after nominations closed, or half-way to the start if sooner."""
    return _at(
        spec.closing_date + datetime.timedelta(days=min(7, (spec.start_date - spec.closing_date).days // 2)), 10, spec
    )


def _submitted_at(spec: DemoProject, today: datetime.date, economy_index: int, rank: int) -> datetime.datetime:
    """A deterministic time a week or more before the closing date and, for projects still open, before
    yesterday began (yesterday, not today: `today` is Tokyo's, and west of Tokyo today may not have begun)."""
    latest = min(
        end_of_day(spec.closing_date - datetime.timedelta(days=7), spec.time_zone),
        _at(today - datetime.timedelta(days=1), 0, spec),
    )
    return (latest - datetime.timedelta(days=economy_index % 5, hours=3 * rank)).replace(
        minute=(7 * economy_index + 13 * rank) % 60, second=0, microsecond=0
    )


def _move(project: Project, to: str, spec: DemoProject, run: _Run) -> Project:
    note = spec.cancel_reason if to == Status.CANCELLED else ""
    return project_transition(project=project, actor=run.secretariat, to=to, note=note)


def _demo_documents(candidate: Candidate, kinds) -> dict:
    """A one-page stand-in PDF for each kind of document, named as an NPO's files are."""
    name = "-".join(candidate.full_name.split())
    return {
        kind: ContentFile(
            b"%PDF-1.4\n% APO Portal demo document: " + kind.encode() + b"\n%%EOF\n", name=f"{name}-{kind}.pdf"
        )
        for kind in kinds
    }


def _nominate(project: Project, spec: DemoProject, run: _Run) -> bool:
    """The NPOs' part: each nominating economy's officer nominates its candidates in order, as drafts or
    submitted, then withdraws those the demo has withdrawn. Decisions are the Secretariat's, later."""
    existing = {nomination.email: nomination for nomination in project.nominations.all()}
    is_open = project.status == Status.PUBLISHED and project.nomination_closes_at > run.now
    economy_index = {code: i for i, code in enumerate(spec.nominating)}
    expectations = _read("projects")["expectations"]
    withdrawn, changed = [], False
    for demo in nomination_plan(spec, run.today):
        candidate = demo.candidate
        nomination = existing.get(normalize_email(candidate.email))
        if nomination is None:
            if not is_open:
                run.tally.warnings.append(
                    f"{project.code}: nominations are closed; {candidate.email} was not nominated."
                )
                continue
            data = {field.name: getattr(candidate, field.name) for field in dataclasses.fields(Candidate)}
            data["expectations"] = expectations[(demo.priority_rank - 1) % len(expectations)].format(
                focus=spec.focus, organization=candidate.organization
            )
            submit = demo.status != NominationStatus.DRAFT
            nomination = nomination_create(
                actor=run.officer_of(demo.economy),
                project=project,
                data=data,
                submit=submit,
                # A draft has only its biodata form yet: the NPO's checklist shows what it lacks.
                documents=_demo_documents(candidate, project.required_documents if submit else ["biodata"]),
            )
            if demo.status == NominationStatus.WITHDRAWN:
                withdrawn.append(nomination)
        submitted_at = (
            None
            if demo.status == NominationStatus.DRAFT
            else _submitted_at(spec, run.today, economy_index[demo.economy], demo.priority_rank)
        )
        moved = nomination.submitted_at is not None and nomination.submitted_at != submitted_at
        if moved:
            Nomination.objects.filter(pk=nomination.pk).update(submitted_at=submitted_at)
        created = nomination.pk not in {n.pk for n in existing.values()}
        run.tally.count("nominations", created=created, updated=moved)
        changed |= created or moved
    for nomination in withdrawn:  # after every candidate is in, so that the order of priority is the demo's
        nomination_withdraw(actor=run.officer_of(nomination.economy.code), nomination=nomination)
    return changed


def _decide(project: Project, spec: DemoProject, run: _Run) -> bool:
    """The Secretariat's decisions, within the limits (the service checks them), then the announcement."""
    nominations = {nomination.email: nomination for nomination in project.nominations.select_related("economy")}
    changed = False
    for demo in nomination_plan(spec, run.today):
        if demo.status not in DECISIONS:
            continue
        nomination = nominations.get(normalize_email(demo.candidate.email))
        if nomination is None or nomination.status == demo.status:
            continue
        if nomination.status != NominationStatus.SUBMITTED:
            run.tally.warnings.append(
                f"{project.code}: {nomination.full_name} is {nomination.get_status_display().lower()}; left as it is."
            )
            continue
        nomination_decide(actor=run.secretariat, nomination=nomination, to=demo.status)
        changed = True
    told = Nomination.objects.filter(project=project, status__in=DECISIONS)
    if told.exists() and told.exclude(announced_status=F("status")).exists():
        project_announce(actor=run.secretariat, project=project, base_url=settings.PORTAL_BASE_URL)
        Nomination.objects.filter(project=project, announced_at__isnull=False).update(announced_at=_announced_at(spec))
        changed = True
    return changed


def _load_program(project: Project, spec: DemoProject, run: _Run) -> bool:
    """The program through the Secretariat's program form and `program_save`: sessions are matched by
    title; a session the data no longer has is removed."""
    sessions = list(project.sessions.all())  # the formset's own order: its initial forms are these
    wanted = {session.title: session for session in spec.sessions}
    rows = [(session, wanted.get(session.title)) for session in sessions]
    rows += [(None, demo) for demo in spec.sessions if demo.title not in {s.title for s in sessions}]
    prefix = SessionFormSet.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(sessions)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, (session, demo) in enumerate(rows):
        form = f"{prefix}-{i}-"
        if session is not None:
            data[form + "id"] = str(session.pk)
        if demo is None:
            data[form + "DELETE"] = "on"
            continue
        data.update(
            {
                form + "title": demo.title,
                form + "day": (spec.start_date + datetime.timedelta(days=demo.day)).isoformat(),
                form + "start_time": demo.start,
                form + "end_time": demo.end,
                form + "topics": "\n".join(demo.topics),
                form + "resource_persons": "\n".join(demo.resource_persons),
            }
        )
    formset = SessionFormSet(data, instance=project)
    if not formset.has_changed():
        for _ in spec.sessions:
            run.tally.count("sessions")
        return False
    if not formset.is_valid():
        raise ValueError(f"{spec.code}: the demo program is not valid: {formset.errors} {formset.non_form_errors()}")
    program_save(project=project, actor=run.secretariat, formset=formset)
    added = {session.title for session in formset.new_objects}
    moved = {session.title for session, _fields in formset.changed_objects}
    for demo in spec.sessions:
        run.tally.count("sessions", created=demo.title in added, updated=demo.title in moved)
    return True


def _mark_attendance(project: Project, run: _Run) -> None:
    """Attendance for the sessions that have ended, marked through `mark_set`: mostly present, some late,
    and in each project the last participant missed the last session (so the register shows someone not
    eligible). Digital projects' marks come from a meeting report, with minutes; the others were marked by
    staff. A mark set now is then dated to the end of its session."""
    sessions = [session for session in project.sessions.all() if session.ends_at < run.now]
    if not sessions:
        return
    participants = list(
        project.nominations.filter(status=NominationStatus.SELECTED)
        .select_related("economy")
        .order_by("economy__name", "full_name", "id")
    )
    marked = set(Mark.objects.filter(session__in=sessions).values_list("session_id", "nomination_id"))
    from_report = project.modality == Project.Modality.DIGITAL
    for session in sessions:
        just_set = []
        for i, nomination in enumerate(participants):
            j = sessions.index(session)
            missed = i == len(participants) - 1 and j == len(sessions) - 1 and len(sessions) > 1
            status = Mark.Status.ABSENT if missed else (Mark.Status.LATE if (i + j) % 7 == 3 else Mark.Status.PRESENT)
            minutes = None
            if from_report:
                minutes = 12 if missed else session.duration_minutes - (9 if status == Mark.Status.LATE else 0)
            mark, changed = mark_set(
                actor=run.secretariat,
                session=session,
                nomination=nomination,
                status=status,
                source=Mark.Source.REPORT if from_report else Mark.Source.STAFF,
                minutes=minutes,
            )
            if changed:
                just_set.append(mark.pk)
            created = (session.pk, nomination.pk) not in marked
            run.tally.count("marks", created=created, updated=changed and not created)
        Mark.objects.filter(pk__in=just_set).update(set_at=session.ends_at)


def _issue_certificates(project: Project, run: _Run) -> None:
    """Certificates for a finished project, through the real service: their PDFs are rendered by the
    Celery worker that the run command starts (issuing again creates nothing twice)."""
    try:
        counts = certificates_issue(actor=run.secretariat, project=project)
    except CertificateError:
        return  # the project has not ended yet
    for _ in range(counts["issued"]):
        run.tally.count("certificates", created=True)
    for _ in range(Certificate.objects.filter(project=project).count() - counts["issued"]):
        run.tally.count("certificates")


def _load_project(spec: DemoProject, run: _Run) -> Project:
    """Take one project as far along its life as the demo has it; each step does nothing when done."""
    data = _project_data(spec, run.economies)
    participating = _participating(spec, run.economies)
    project = _find_project(spec)
    created = project is None
    changed = False
    if created:
        project = project_create(
            actor=run.secretariat, data=_while_open(spec, data, run), participating_economies=participating
        )
    path = STATUS_PATHS[spec.status]
    if project.status not in path:
        run.tally.warnings.append(
            f"{project.code} is {project.get_status_display().lower()} and cannot be made "
            f"{Status(spec.status).label.lower()} again; left as it is."
        )
        run.tally.count("projects", created=created)
        return project
    if project.status == Status.DRAFT and spec.status != Status.DRAFT:
        project = _move(project, Status.PUBLISHED, spec, run)
        changed = True
    if spec.status != Status.DRAFT:
        changed |= _nominate(project, spec, run)
    # Its real facts: its own dates once nominated for, or today's dates for a current project.
    differs = [field for field, value in data.items() if getattr(project, field) != value]
    current = set(project.participating_economies.values_list("code", flat=True))
    if differs or current != {economy.code for economy in participating}:
        project = project_update(
            project=project, actor=run.secretariat, data=data, participating_economies=participating
        )
        changed = True
    changed |= _load_program(project, spec, run)
    if spec.status in DECIDED:
        if project.status == Status.PUBLISHED:
            project = _move(project, Status.CLOSED, spec, run)
            changed = True
        changed |= _decide(project, spec, run)
        _mark_attendance(project, run)
    if spec.status in (Status.COMPLETED, Status.CANCELLED) and project.status != spec.status:
        project = _move(project, spec.status, spec, run)
        changed = True
    if project.status == Status.COMPLETED:
        _issue_certificates(project, run)
    if project.status != Status.DRAFT:
        # The service stamps the first publication with the present; the demo dates it to when a real
        # notification would have gone out. A bare update: this is not a change anyone made.
        published_at = _published_at(spec, run.today)
        if project.published_at != published_at:
            Project.objects.filter(pk=project.pk).update(published_at=published_at)
            project.published_at = published_at
            changed = True
    run.tally.count("projects", created=created, updated=changed and not created)
    return project


@transaction.atomic
def load_demo(*, today: datetime.date | None = None) -> dict:
    """Load the demo users, projects, programs, nominations, decisions, attendance and certificates;
    idempotent (see the module's docstring).

    Returns the number of demo users, projects, sessions, nominations, marks and certificates, how many
    records this run created and updated (both 0 on a second run the same day), and warnings about what
    was changed by hand past where the demo can take it back.

    Side effects: whatever the services it calls do, with the demo Secretariat user or the economy's NPO
    officer as the actor: audit entries, the e-mails of the announcements (outcomes to the NPOs,
    invitations to the selected), accounts for selected candidates, certificates' PDFs rendered after
    commit; and the reports' figures of every demo project refreshed after commit. Runs in one
    transaction: all or nothing.
    """
    today = today or timezone.localdate()
    tally = _Tally()
    economies = {economy.code: economy for economy in Economy.objects.select_related("npo")}
    users = _load_users(economies, tally)
    run = _Run(today=today, now=timezone.now(), economies=economies, users=users, tally=tally)
    loaded = [_load_project(spec, run).pk for spec in demo_projects(today)]
    # The reports' stored figures of every demo project, even when this run changed nothing: a database
    # made before the figures were stored has none yet.
    transaction.on_commit(lambda: figures_refresh(loaded))
    return tally.as_dict()
