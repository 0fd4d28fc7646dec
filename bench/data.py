"""The ten years of data of bench/scale.py: a plan made with a fixed seed, then COPY into the real tables.

- `World` is the plan (plain Python objects): 1,000 projects over ten years (six months ahead), 8,000 sessions,
  50,000 nominations, 30,000 participants, 500,000 attendance marks, 20,000 certificates at `scale` 1, with
  the special projects the pages are measured on (`World.special`).
- `build()` copies it with `Table` (COPY's text format; a field added to a model later gets its default, one
  without a default stops the build with a message naming it) and returns what the pages need.
- `zoom_report()` is a Zoom participant report of the import project's third session.
- `Step` prints and keeps the time of each part of the build.

Nothing here starts a server or measures a page; `python -m bench.scale` does (see bench/README.md).
"""

import datetime
import io
import json
import math
import random
import secrets
import string
import time
import zoneinfo
from dataclasses import dataclass, field

# Ten years of data, at --scale 1.
FULL = {
    "projects": 1_000,
    "sessions": 8_000,
    "nominations": 50_000,
    "participants": 30_000,
    "marks": 500_000,
    "certificates": 20_000,
}
OFFICERS_PER_ECONOMY = 3
SECRETARIAT_USERS = 8
IMPORT_PARTICIPANTS = 200
PASSWORD = "bench-pass-2026"
SEED = 2026


class Step:
    """Prints what is being done and how long it took; keeps the times for the report."""

    times: dict[str, float] = {}

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        print(f"  {self.name}…", end="", flush=True)
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        elapsed = time.perf_counter() - self.started
        Step.times[self.name] = elapsed
        print(f" {elapsed:.1f} s", flush=True)


# --- COPY into the real tables --------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.date):  # and datetime
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


class Table:
    """COPY rows of a model into its table: the caller gives some fields (by attname, `id` always); every
    other concrete field gets its default, so a field added later with a default does not break the benchmark.
    A field with neither default nor NULL nor an empty value stops it with a clear message."""

    def __init__(self, model, columns: list[str], now: datetime.datetime):
        from django.db import models

        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise RuntimeError(f"{model.__name__} has no field {sorted(unknown)}: bench/data.py needs updating")
        rest = [f for f in fields.values() if f.attname not in columns]
        suffix = []
        for f in rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.has_default() and not f.unique:
                value = f.get_default()
                value = getattr(value, "value", value)  # a choices enum member
            elif f.null:
                value = None
            elif isinstance(f, models.CharField | models.TextField | models.FileField):
                value = ""
            else:
                raise RuntimeError(f"{model.__name__}.{f.name} needs a value: bench/data.py needs updating")
            suffix.append(_text(value))
        self.model = model
        self.table = model._meta.db_table
        self.columns = [fields[name].column for name in columns] + [f.column for f in rest]
        self.suffix = "".join("\t" + s for s in suffix)
        self.count = 0

    def copy(self, cursor, rows, chunk: int = 100_000) -> int:
        columns = ", ".join(f'"{column}"' for column in self.columns)
        sql = f'COPY "{self.table}" ({columns}) FROM STDIN'
        buffer = io.StringIO()
        pending = 0
        for row in rows:
            buffer.write("\t".join(map(_text, row)))
            buffer.write(self.suffix)
            buffer.write("\n")
            pending += 1
            if pending == chunk:
                self._flush(cursor, sql, buffer)
                self.count += pending
                buffer, pending = io.StringIO(), 0
        if pending:
            self._flush(cursor, sql, buffer)
            self.count += pending
        return self.count

    @staticmethod
    def _flush(cursor, sql: str, buffer: io.StringIO) -> None:
        buffer.seek(0)
        cursor.copy_expert(sql, buffer, size=1 << 20)


# --- the data: a plan first (plain Python objects), then COPY ---------------------------------------------------

NAMES = {
    "BD": (["Md. Rahim", "Nusrat", "Farhana", "Kamal", "Shirin", "Tanvir"], ["Hossain", "Rahman", "Akter", "Islam"]),
    "KH": (["Sokha", "Dara", "Chenda", "Vuthy", "Sreymom"], ["Chan", "Sok", "Keo", "Heng", "Pich"]),
    "TW": (["Chia-Hui", "Wei-Ting", "Yu-Chen", "Po-Han", "Hsin-Yi"], ["Chen", "Lin", "Huang", "Chang", "Wang"]),
    "FJ": (["Mere", "Jone", "Litia", "Sairusi", "Ana"], ["Naivalu", "Tuilagi", "Rokotuiloma", "Vunibaka"]),
    "HK": (["Ka Ming", "Wing Yan", "Chi Kit", "Hoi Ying"], ["Chan", "Wong", "Leung", "Lau", "Cheung"]),
    "IN": (["Priya", "Rajesh", "Anjali", "Suresh", "Deepa", "Arvind"], ["Sharma", "Kumar", "Iyer", "Patel", "Nair"]),
    "ID": (["Siti", "Budi", "Dewi", "Agus", "Rina"], ["Rahayu", "Santoso", "Wulandari", "Saputra", "Hidayat"]),
    "IR": (["Zahra", "Mohammad Reza", "Fatemeh", "Ali", "Maryam"], ["Ahmadi", "Hosseini", "Karimi", "Rezaei"]),
    "JP": (["Taro", "Hanako", "Yuki", "Kenji", "Aiko"], ["Yamada", "Sato", "Suzuki", "Tanaka", "Watanabe"]),
    "KR": (["Ji-woo", "Min-jun", "Seo-yeon", "Hyun-woo"], ["Kim", "Lee", "Park", "Choi", "Jung"]),
    "LA": (["Somphone", "Khamla", "Vilay", "Bounmy"], ["Phommachanh", "Sisavath", "Keomany", "Vongsa"]),
    "MY": (["Nur Aisyah", "Ahmad", "Mei Ling", "Rajan"], ["Abdullah", "Hassan", "Tan", "Subramaniam"]),
    "MN": (["Bat-Erdene", "Oyunchimeg", "Enkhjargal", "Ganbold"], ["Dorj", "Bold", "Tserendorj", "Batbayar"]),
    "NP": (["Sita", "Ramesh", "Anita", "Bikash"], ["Shrestha", "Adhikari", "Thapa", "Gurung"]),
    "PK": (["Ayesha", "Imran", "Sana", "Bilal"], ["Khan", "Ahmed", "Qureshi", "Malik"]),
    "PH": (["Maria Clara", "Jose", "Ana", "Juan", "Cristina"], ["Dela Cruz", "Santos", "Reyes", "Garcia", "Bautista"]),
    "SG": (["Wei Ling", "Jun Jie", "Siti Nur", "Ravi"], ["Tan", "Lim", "Ng", "Menon"]),
    "LK": (["Chamari", "Sunil", "Nimali", "Kasun"], ["Jayasinghe", "Perera", "Fernando", "Wijesinghe"]),
    "TH": (["Somchai", "Nattaya", "Kittipong", "Siriporn"], ["Srisuk", "Chaiyaporn", "Wongsawat", "Boonmee"]),
    "TR": (["Ayşe", "Mehmet", "Elif", "Mustafa"], ["Yılmaz", "Kaya", "Demir", "Şahin"]),
    "VN": (["Nguyễn Thị", "Trần Văn", "Lê Thị", "Phạm Quốc"], ["Minh Anh", "Bảo", "Hương", "Dũng"]),
}
TOPICS = [
    "Digital Transformation of SMEs",
    "Green Productivity and Circular Economy",
    "Smart Agriculture and Agritech",
    "Lean Management in the Public Sector",
    "Innovative Food Supply Chains",
    "Productivity Measurement and Analysis",
    "Industry 4.0 for Manufacturing",
    "Data-driven Policymaking",
    "Workplace Safety and Well-being",
    "Quality Management Systems",
    "E-commerce for Rural Enterprises",
    "Energy Efficiency in Buildings",
    "Knowledge Management",
    "Service Productivity in Healthcare",
    "Development of Productivity Practitioners",
    "Climate-smart Value Chains",
]
FORMATS = {
    "workshop": "Workshop on",
    "training_course": "Training Course on",
    "conference": "Conference on",
    "study_mission": "Study Mission on",
    "e_learning": "e-Learning Course on",
    "tes": "Technical Expert Services on",
}
TYPE_CODES = {
    "workshop": "WSH",
    "training_course": "TRC",
    "conference": "CNF",
    "study_mission": "STM",
    "e_learning": "ELC",
    "tes": "TES",
}
TYPE_WEIGHTS = {
    "workshop": 33,
    "training_course": 20,
    "conference": 5,
    "study_mission": 10,
    "e_learning": 12,
    "tes": 20,
}
AREAS = ["CP", "IS", "AG", "DT", "GP", "IN", "SME", "PS"]
LOREM = (
    "The project will review the current state of practice in member economies, share the experience of "
    "leading organizations, and develop action plans that participants apply after they return home. "
)


@dataclass
class PlanProject:
    id: int
    kind: str  # "regular", "big" (e-learning), or a special: featured, review, grid, import, small
    code: str
    project_type: str
    modality: str
    scope: str
    host: int  # economy id
    economies: list[int]
    start: datetime.date
    end: datetime.date
    time_zone: str
    closes_at: datetime.datetime
    status: str
    n_sessions: int
    n_nominations: int
    title: str = ""
    sessions: list[tuple[int, datetime.datetime, datetime.datetime]] = field(default_factory=list)


def _end_of_day(date: datetime.date, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time.max, tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(datetime.UTC)


def _spread(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Integers proportional to weights that add up to total exactly (largest remainder), each >= minimum
    where its weight is positive."""
    positive = [w for w in weights if w > 0]
    base = minimum * len(positive)
    if total < base:
        raise ValueError("too few to spread")
    scale = (total - base) / sum(positive)
    exact = [w * scale if w > 0 else 0 for w in weights]
    counts = [math.floor(x) + (minimum if w > 0 else 0) for x, w in zip(exact, weights, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class World:
    """The plan of the whole data set, built in memory with a seeded RNG, then copied table by table."""

    def __init__(self, scale: float, now: datetime.datetime, economies: list):
        self.rng = random.Random(SEED)
        self.now = now
        self.today = now.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).date()
        self.economies = economies  # Economy objects with .npo
        self.by_code = {e.code: e for e in economies}
        self.targets = {k: max(1, round(v * scale)) for k, v in FULL.items()}
        self.special: dict[str, PlanProject] = {}
        self.counts: dict[str, int] = {}

    # -- projects and sessions

    def _code(self, year: int, serial: int, project_type: str) -> str:
        area = AREAS[serial % len(AREAS)]
        fund = ("GE", "OF", "PI")[serial % 3]
        return f"{year % 100:02d}-{area}-{serial}-{fund}-{TYPE_CODES[project_type]}-{'AB'[serial % 2]}"

    def plan_projects(self) -> list[PlanProject]:
        rng, today, economies = self.rng, self.today, self.economies
        ids = [e.id for e in economies]
        code = self.by_code
        projects: list[PlanProject] = []
        serials: dict[int, int] = {}

        def special(kind, *, start, n_sessions, n_nominations, economies, status, closes, host="JP", ptype="workshop"):
            zone = code[host].time_zone
            serial = 900 + len(self.special)
            project = PlanProject(
                id=len(projects) + 1,
                kind=kind,
                code=self._code(start.year, serial, ptype),
                project_type=ptype,
                modality="face_to_face",
                scope="multicountry" if len(economies) > 1 else "individual_country",
                host=code[host].id,
                economies=economies,
                start=start,
                end=start + datetime.timedelta(days=(n_sessions - 1) // 2),
                time_zone=zone,
                closes_at=_end_of_day(closes, zone),
                status=status,
                n_sessions=n_sessions,
                n_nominations=n_nominations,
            )
            projects.append(project)
            self.special[kind] = project
            return project

        day = datetime.timedelta(days=1)
        # The project page and the NPO's nomination list: open, all 21 economies, the Philippines with 12.
        special(
            "featured",
            start=today + 45 * day,
            n_sessions=10,
            n_nominations=60,
            economies=ids,
            status="published",
            closes=today + 20 * day,
        )
        # The Secretariat's review: 200 nominations, closed three days ago, awaiting selection.
        special(
            "review",
            start=today + 30 * day,
            n_sessions=5,
            n_nominations=200,
            economies=ids[:20],
            status="published",
            closes=today - 3 * day,
            host="PH",
        )
        # The attendance grid: 60 participants × 6 sessions, ended three days ago.
        special(
            "grid",
            start=today - 5 * day,
            n_sessions=6,
            n_nominations=80,
            economies=ids[:12],
            status="closed",
            closes=today - 40 * day,
            host="TH",
        )
        # The Zoom import: 200 participants; its third session (yesterday) has no marks yet.
        special(
            "import",
            start=today - 2 * day,
            n_sessions=3,
            n_nominations=IMPORT_PARTICIPANTS,
            economies=ids,
            status="closed",
            closes=today - 40 * day,
            ptype="e_learning",
        )
        # The small instance of each page: one economy (the Philippines), two sessions, three nominations.
        special(
            "small",
            start=today - 300 * day,
            n_sessions=2,
            n_nominations=3,
            economies=[code["PH"].id],
            status="completed",
            closes=today - 340 * day,
            host="PH",
            ptype="tes",
        )

        # The small instances of the NPO's list and of the review, each in its big one's state, so that the count
        # compares like with like: the list while nominations are open (it asks whether any has been decided),
        # the review closed with a wait-listed candidate and a free seat (it offers the seat).
        special(
            "small_open",
            start=today + 60 * day,
            n_sessions=2,
            n_nominations=3,
            economies=[code["PH"].id],
            status="published",
            closes=today + 15 * day,
            host="PH",
        )
        special(
            "small_review",
            start=today + 30 * day,
            n_sessions=2,
            n_nominations=3,
            economies=[code["PH"].id],
            status="published",
            closes=today - 3 * day,
            host="PH",
        )

        n_regular = self.targets["projects"] - len(projects)
        span = 3650 + 180  # ten years back, six months ahead
        types, weights = zip(*TYPE_WEIGHTS.items(), strict=True)
        for i in range(n_regular):
            start = (
                today
                - datetime.timedelta(days=3650)
                + datetime.timedelta(days=int((i + rng.random()) * span / n_regular))
            )
            ptype = rng.choices(types, weights)[0]
            big = ptype == "e_learning"
            host = rng.choice(economies)
            individual = not big and rng.random() < 0.15
            if big:
                chosen, modality = ids, "digital"
            elif individual:
                chosen, modality = [host.id], rng.choice(["face_to_face", "face_to_face", "hybrid"])
            else:
                chosen = sorted(rng.sample(ids, rng.randint(12, 21)))
                modality = rng.choices(["face_to_face", "digital", "hybrid"], [60, 25, 15])[0]
            zone = "Asia/Tokyo" if modality == "digital" else host.time_zone
            closes_day = start - datetime.timedelta(days=rng.randint(28, 45))
            closes_at = _end_of_day(closes_day, zone)
            serials[start.year] = serials.get(start.year, 0) + 1
            projects.append(
                PlanProject(
                    id=len(projects) + 1,
                    kind="big" if big else "regular",
                    code=self._code(start.year, serials[start.year], ptype),
                    project_type=ptype,
                    modality=modality,
                    scope="individual_country" if individual else "multicountry",
                    host=host.id,
                    economies=chosen,
                    start=start,
                    end=start,  # set from the sessions below
                    time_zone=zone,
                    closes_at=closes_at,
                    status="",
                    n_sessions=0,
                    n_nominations=0,
                )
            )
        regular = projects[len(self.special) :]
        for p in regular:
            if p.start > today:
                if rng.random() < 0.08:
                    p.status = "draft"
                elif p.closes_at > self.now:
                    p.status = "published"
                else:
                    p.status = rng.choice(["published", "closed"])
            else:
                p.status = "cancelled" if rng.random() < 0.03 else "completed"  # ongoing ones: see below
        # Sessions: about 26 for an e-learning course, 3 to 10 for the others; nominations: about 240 for an
        # e-learning course, 15 for an open project, 28 for the others, none for a draft.
        fixed_sessions = sum(p.n_sessions for p in self.special.values())
        fixed_nominations = sum(p.n_nominations for p in self.special.values())
        session_weights = [rng.randint(24, 34) if p.kind == "big" else rng.randint(3, 10) for p in regular]
        for p, n in zip(regular, _spread(self.targets["sessions"] - fixed_sessions, session_weights, 1), strict=True):
            p.n_sessions = n
            p.end = p.start + datetime.timedelta(days=(n - 1) // 2)
            if p.status == "completed" and p.end >= today:
                p.status = "closed"  # still running
        nomination_weights = [
            0
            if p.status == "draft"
            else rng.randint(200, 280)
            if p.kind == "big"
            else rng.randint(10, 20)
            if p.status == "published" and p.closes_at > self.now
            else rng.randint(18, 38)
            for p in regular
        ]
        spread = _spread(self.targets["nominations"] - fixed_nominations, nomination_weights)
        for p, n in zip(regular, spread, strict=True):
            p.n_nominations = n
        # Titles, and the sessions: two a day (09:00–12:00 and 13:30–17:00 in the project's time zone).
        for p in projects:
            p.title = f"{FORMATS[p.project_type]} {rng.choice(TOPICS)}"
            zone = zoneinfo.ZoneInfo(p.time_zone)
            for j in range(p.n_sessions):
                date = p.start + datetime.timedelta(days=j // 2)
                hours = ((9, 0), (12, 0)) if j % 2 == 0 else ((13, 30), (17, 0))
                starts = datetime.datetime.combine(date, datetime.time(*hours[0]), tzinfo=zone)
                ends = datetime.datetime.combine(date, datetime.time(*hours[1]), tzinfo=zone)
                p.sessions.append((j, starts.astimezone(datetime.UTC), ends.astimezone(datetime.UTC)))
        self.projects = projects
        return projects


def build(world: World, cursor) -> dict:
    """COPY the plan into the database; returns what the measurements need (ids, codes, paths)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from attendance.models import Mark
    from audit.models import AuditEntry
    from certificates.models import Certificate, new_verification_code
    from common.zones import secretariat_date
    from mail.models import OutgoingEmail
    from nominations.models import Attachment, DeadlineExtension, Nomination
    from projects.models import Project, Session

    ProjectStatus, NominationStatus, MarkStatus = Project.Status, Nomination.Status, Mark.Status
    rng, now, today = world.rng, world.now, world.today
    economies = world.economies
    code_of = {e.id: e.code for e in economies}
    targets = world.targets
    counts = world.counts
    day = datetime.timedelta(days=1)
    out: dict = {}

    # -- users: Secretariat, NPO officers (a known password), participants (no usable password)
    with Step("users"):
        password = make_password(PASSWORD)
        ten_years_ago = now - 3650 * day
        users = Table(
            User,
            [
                "id",
                "password",
                "email",
                "full_name",
                "role",
                "time_zone",
                "is_staff",
                "date_joined",
                "npo_id",
                "is_superuser",
                "is_active",
            ],
            now,
        )
        rows = []
        secretariat = list(range(1, SECRETARIAT_USERS + 1))
        for k in secretariat:
            rows.append(
                (
                    k,
                    password,
                    f"secretariat-{k}@bench.invalid",
                    f"Secretariat Officer {k}",
                    "secretariat",
                    "Asia/Tokyo",
                    k == 1,
                    ten_years_ago,
                    None,
                    False,
                    True,
                )
            )
        officers: dict[int, list[int]] = {}
        next_id = SECRETARIAT_USERS + 1
        for e in economies:
            for k in range(1, OFFICERS_PER_ECONOMY + 1):
                officers.setdefault(e.id, []).append(next_id)
                first, last = NAMES[e.code]
                rows.append(
                    (
                        next_id,
                        password,
                        f"npo-{e.code.lower()}-{k}@bench.invalid",
                        f"{rng.choice(first)} {rng.choice(last)}",
                        "npo_officer",
                        e.time_zone,
                        False,
                        ten_years_ago,
                        e.npo.id,
                        False,
                        True,
                    )
                )
                next_id += 1
        # Participants: a pool per economy, in proportion; selected candidates take the next one of their economy.
        pools: dict[int, list[tuple[int, str, str]]] = {}
        for n, e in zip(_spread(targets["participants"], [1] * len(economies)), economies, strict=True):
            first, last = NAMES[e.code]
            for _ in range(n):
                name = f"{rng.choice(first)} {rng.choice(string.ascii_uppercase)}. {rng.choice(last)}"
                email = f"p{next_id}.{e.code.lower()}@example.org"
                pools.setdefault(e.id, []).append((next_id, name, email))
                rows.append(
                    (
                        next_id,
                        "!",
                        email,
                        name,
                        "participant",
                        e.time_zone,
                        False,
                        ten_years_ago + rng.random() * 3650 * day,
                        None,
                        False,
                        True,
                    )
                )
                next_id += 1
        counts["users"] = users.copy(cursor, rows)
        counts["participants"] = sum(len(p) for p in pools.values())
        out["secretariat_id"], out["officers"] = 1, officers

    # -- projects, their economies, sessions, deadline extensions
    with Step("projects"):
        projects = world.plan_projects()
        table = Table(
            Project,
            [
                "id",
                "code",
                "title",
                "project_type",
                "modality",
                "scope",
                "start_date",
                "end_date",
                "time_zone",
                "venue",
                "hosting_economy_id",
                "implementing_organizations",
                "overseas_participants",
                "local_participants",
                "per_economy_limit",
                "qualifications",
                "objectives",
                "background",
                "nomination_closes_at",
                "status",
                "created_at",
                "updated_at",
                "published_at",
            ],
            now,
        )
        names = {e.id: e.name for e in economies}

        def project_row(p: PlanProject):
            created = p.closes_at - rng.randint(60, 120) * day
            published = None if p.status == ProjectStatus.DRAFT else created + rng.randint(1, 20) * day
            big = p.kind == "big" or p.project_type == "e_learning"
            limit = None if big or p.scope == "individual_country" else rng.choice([2, 2, 3, None])
            return (
                p.id,
                p.code,
                p.title,
                p.project_type,
                p.modality,
                p.scope,
                p.start,
                p.end,
                p.time_zone,
                ""
                if p.modality == "digital"
                else f"{rng.choice(['Convention Center', 'NPO Headquarters', 'Hotel'])}, {names[p.host]}",
                p.host,
                f"APO and the NPO of {names[p.host]}",
                200 if big else 2 * len(p.economies),
                0 if big else rng.randint(0, 10),
                limit,
                LOREM * 2,
                LOREM * 3,
                LOREM * 4,
                p.closes_at,
                p.status,
                created,
                max(created, published or created),
                published,
            )

        counts["projects"] = table.copy(cursor, (project_row(p) for p in projects))
        through = Project.participating_economies.through
        pe = Table(through, ["id", "project_id", "economy_id"], now)
        pairs = ((p.id, e) for p in projects for e in p.economies)
        counts["project economies"] = pe.copy(cursor, ((i, p, e) for i, (p, e) in enumerate(pairs, 1)))
        sessions = Table(
            Session, ["id", "project_id", "title", "topics", "starts_at", "ends_at", "resource_persons"], now
        )
        session_rows, session_id = [], 0
        for p in projects:
            numbered = []
            for j, starts, ends in p.sessions:
                session_id += 1
                numbered.append((session_id, starts, ends))
                session_rows.append(
                    (
                        session_id,
                        p.id,
                        f"Day {j // 2 + 1}: {rng.choice(TOPICS)}",
                        "• Keynote\n• Case study\n• Group work",
                        starts,
                        ends,
                        "Dr. Jane Doe, OECD, France\nMr. Akira Sato, JPC, Japan",
                    )
                )
            p.sessions = numbered
        counts["sessions"] = sessions.copy(cursor, session_rows)
        # Extensions: one economy for 3% of projects; two economies of the review project; and two projects that
        # are open to the Philippines only through an extension (the NPO home shows "extended").
        extension_rows = []
        ph = world.by_code["PH"].id
        for p in projects:
            chosen = []
            if p.kind == "review":
                chosen = p.economies[:2]
            elif p.status not in (ProjectStatus.DRAFT,) and rng.random() < 0.03:
                chosen = [rng.choice(p.economies)]
            for e in chosen:
                extension_rows.append(
                    (len(extension_rows) + 1, p.id, e, p.closes_at + 5 * day, "Late endorsement", 1, p.closes_at - day)
                )
        late = [
            p
            for p in projects
            if p.kind == "regular"
            and p.status == ProjectStatus.PUBLISHED
            and p.closes_at <= now
            and ph in p.economies
            and p.start > today + 10 * day
        ][:2]
        for p in late:
            if not any(r[1] == p.id and r[2] == ph for r in extension_rows):
                extension_rows.append(
                    (len(extension_rows) + 1, p.id, ph, now + 7 * day, "Ministry approval", 1, now - day)
                )
        ext = Table(
            DeadlineExtension,
            ["id", "project_id", "economy_id", "closes_at", "reason", "granted_by_id", "granted_at"],
            now,
        )
        counts["deadline extensions"] = ext.copy(cursor, extension_rows)

    # -- nominations, with attachments and audit entries
    with Step("nominations"):
        statuses_open = ([NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.WITHDRAWN], [25, 70, 5])
        statuses_waiting = (
            [
                NominationStatus.SUBMITTED,
                NominationStatus.SELECTED,
                NominationStatus.WAITLISTED,
                NominationStatus.REJECTED,
                NominationStatus.WITHDRAWN,
            ],
            [80, 10, 5, 3, 2],
        )
        statuses_done = (
            [
                NominationStatus.SELECTED,
                NominationStatus.WAITLISTED,
                NominationStatus.REJECTED,
                NominationStatus.WITHDRAWN,
                NominationStatus.DRAFT,
            ],
            [50, 10, 30, 5, 5],
        )
        statuses_big = (
            [
                NominationStatus.SELECTED,
                NominationStatus.WAITLISTED,
                NominationStatus.REJECTED,
                NominationStatus.WITHDRAWN,
                NominationStatus.DRAFT,
            ],
            [80, 4, 12, 2, 2],
        )
        statuses_cancelled = (
            [NominationStatus.SUBMITTED, NominationStatus.WITHDRAWN, NominationStatus.DRAFT],
            [85, 10, 5],
        )
        genders = ["female", "male", "female", "male", "other"]
        org_types = ["government", "local_government", "public_enterprise", "private", "sme", "npo", "academia", "ngo"]
        levels = ["intermediate", "advanced", "fluent", "advanced"]
        pool_next = {e: 0 for e in pools}
        nomination_rows, attachment_rows, audit_rows = [], [], []
        selected_by_project: dict[int, list[tuple[int, int, str]]] = {}  # project -> [(nomination, user, name)]
        nid = 0
        for p in projects:
            if not p.n_nominations:
                continue
            # Which economy each nomination is from, and its status.
            if p.kind == "featured":
                others = [e for e in p.economies if e != ph]
                from_economy = [ph] * 12 + [others[i % len(others)] for i in range(p.n_nominations - 12)]
                statuses = (
                    [NominationStatus.DRAFT] * 4
                    + [NominationStatus.SUBMITTED] * 7
                    + [NominationStatus.WITHDRAWN]
                    + [NominationStatus.SUBMITTED] * (p.n_nominations - 12)
                )
            elif p.kind == "review":
                from_economy = [p.economies[i % len(p.economies)] for i in range(p.n_nominations)]
                statuses = (
                    [NominationStatus.SUBMITTED] * 150
                    + [NominationStatus.SELECTED] * 20
                    + [NominationStatus.WAITLISTED] * 10
                    + [NominationStatus.REJECTED] * 10
                    + [NominationStatus.WITHDRAWN] * 5
                    + [NominationStatus.DRAFT] * 5
                )
                rng.shuffle(statuses)
            elif p.kind == "grid":
                from_economy = [p.economies[i % len(p.economies)] for i in range(p.n_nominations)]
                statuses = [NominationStatus.SELECTED] * 60 + [NominationStatus.REJECTED] * (p.n_nominations - 60)
            elif p.kind == "import":
                from_economy = [p.economies[i % len(p.economies)] for i in range(p.n_nominations)]
                statuses = [NominationStatus.SELECTED] * p.n_nominations
            elif p.kind == "small_open":
                from_economy = [ph] * 3
                statuses = [NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.WITHDRAWN]
            elif p.kind == "small_review":
                from_economy = [ph] * 3
                statuses = [NominationStatus.SELECTED, NominationStatus.WAITLISTED, NominationStatus.REJECTED]
            elif p.kind == "small":
                from_economy, statuses = (
                    [ph] * 3,
                    [NominationStatus.SELECTED, NominationStatus.SELECTED, NominationStatus.REJECTED],
                )
            else:
                from_economy = [rng.choice(p.economies) for _ in range(p.n_nominations)]
                if p.status == ProjectStatus.CANCELLED:
                    choice = statuses_cancelled
                elif p.status == ProjectStatus.PUBLISHED and p.closes_at > now:
                    choice = statuses_open
                elif p.start > today:
                    choice = statuses_waiting
                else:
                    choice = statuses_big if p.kind == "big" else statuses_done
                statuses = rng.choices(choice[0], choice[1], k=p.n_nominations)
            rank: dict[int, int] = {}
            created = min(p.closes_at - rng.randint(5, 40) * day, now - 6 * day)
            for e, status in zip(from_economy, statuses, strict=True):
                nid += 1
                rank[e] = rank.get(e, 0) + 1
                pool = pools[e]
                if status == NominationStatus.SELECTED:
                    user_id, name, email = pool[pool_next[e] % len(pool)]
                    pool_next[e] += 1
                    selected_by_project.setdefault(p.id, []).append((nid, user_id, name))
                else:
                    first, last = NAMES[code_of[e]]
                    user_id, name = None, f"{rng.choice(first)} {rng.choice(last)}"
                    email = f"candidate{nid}@example.{code_of[e].lower()}"
                officer = out["officers"][e][0]
                submitted = None if status == NominationStatus.DRAFT else min(created + rng.random() * 5 * day, now)
                decided = status in (NominationStatus.SELECTED, NominationStatus.WAITLISTED, NominationStatus.REJECTED)
                updated = (p.closes_at + 3 * day) if decided else (submitted or created)
                nomination_rows.append(
                    (
                        nid,
                        p.id,
                        e,
                        name,
                        rng.choice(genders),
                        email,
                        "Senior Officer",
                        f"Organization {nid % 997}",
                        rng.choice(org_types),
                        "MSc, Management",
                        LOREM,
                        rng.choice(levels),
                        LOREM,
                        e != p.host,
                        rank[e],
                        status,
                        user_id,
                        officer,
                        created,
                        updated,
                        submitted,
                    )
                )
                if status != NominationStatus.DRAFT:
                    for kind in ("biodata", "cv", "endorsement"):
                        attachment_rows.append(
                            (
                                len(attachment_rows) + 1,
                                nid,
                                kind,
                                f"nominations/{p.id}/{secrets.token_hex(16)}",
                                "pdf",
                                f"{kind}.pdf",
                                rng.randint(40_000, 900_000),
                                "0" * 64,
                                officer,
                                submitted,
                            )
                        )
                    repr_ = f"{name} ({code_of[e]}) for {p.code}"
                    audit_rows.append(
                        (
                            submitted,
                            officer,
                            "nominations.nomination.submitted",
                            str(nid),
                            repr_,
                            e,
                            {"status": [NominationStatus.DRAFT, NominationStatus.SUBMITTED]},
                        )
                    )
                    if status not in (NominationStatus.SUBMITTED,):
                        audit_rows.append(
                            (
                                updated,
                                1 if decided else officer,
                                f"nominations.nomination.{status}",
                                str(nid),
                                repr_,
                                e,
                                {"status": [NominationStatus.SUBMITTED, status]},
                            )
                        )
        table = Table(
            Nomination,
            [
                "id",
                "project_id",
                "economy_id",
                "full_name",
                "gender",
                "email",
                "designation",
                "organization",
                "organization_type",
                "education",
                "experience",
                "english_proficiency",
                "expectations",
                "is_overseas",
                "priority_rank",
                "status",
                "participant_id",
                "created_by_id",
                "created_at",
                "updated_at",
                "submitted_at",
            ],
            now,
        )
        counts["nominations"] = table.copy(cursor, nomination_rows)
        counts["selected nominations"] = sum(len(v) for v in selected_by_project.values())
        table = Table(
            Attachment,
            [
                "id",
                "nomination_id",
                "kind",
                "file",
                "file_type",
                "original_name",
                "size",
                "sha256",
                "uploaded_by_id",
                "uploaded_at",
            ],
            now,
        )
        counts["attachments"] = table.copy(cursor, attachment_rows)
        out["audit_rows"] = audit_rows

    # -- marks: every selected candidate × every session that has ended, trimmed to the target
    with Step("attendance marks"):
        by_id = {p.id: p for p in projects}
        mark_plan: list[tuple[int, int, int, str]] = []  # (project, nomination, session, status)
        eligible: list[tuple[int, int, str]] = []  # (project, nomination, name) with every session attended
        for project_id, selected in selected_by_project.items():
            p = by_id[project_id]
            ended = [s for s in p.sessions if s[2] < now]
            if p.kind == "import":
                ended = ended[:2]  # the third is the one the Zoom report is imported into
            if not ended:
                continue
            for nomination_id, _, name in selected:
                full = rng.random() < 0.85 or p.kind == "grid"
                statuses = [
                    rng.choices([MarkStatus.PRESENT, MarkStatus.LATE], [95, 5])[0]
                    if full
                    else rng.choices([MarkStatus.PRESENT, MarkStatus.ABSENT, MarkStatus.EXCUSED], [50, 40, 10])[0]
                    for _ in ended
                ]
                for (session_id, _, _), status in zip(ended, statuses, strict=True):
                    mark_plan.append((project_id, nomination_id, session_id, status))
                if p.status == ProjectStatus.COMPLETED and len(ended) == len(p.sessions):
                    if all(s in (MarkStatus.PRESENT, MarkStatus.LATE) for s in statuses):
                        eligible.append((project_id, nomination_id, name))
        counts["marks available"] = len(mark_plan)
        # Certificates go to eligible participants of completed projects; the marks of the others are trimmed
        # (from the end: regular projects, never a special one) until the count is the target.
        certified = set()
        n_certificates = min(targets["certificates"], len(eligible))
        n_replacements = n_certificates // 200  # 0.5% corrected: revoked and replaced by a new serial
        chosen = sorted(rng.sample(eligible, n_certificates - n_replacements))
        certified = {nomination for _, nomination, _ in chosen}
        protected = {p.id for p in world.special.values()}
        excess = len(mark_plan) - targets["marks"]
        if excess > 0:
            keep = []
            for row in reversed(mark_plan):
                if excess > 0 and row[1] not in certified and row[0] not in protected:
                    excess -= 1
                    continue
                keep.append(row)
            mark_plan = keep[::-1]
        set_at = {p.id: (p.sessions[-1][2] + datetime.timedelta(hours=2)) for p in projects if p.sessions}
        marks = Table(
            Mark, ["id", "session_id", "nomination_id", "status", "source", "minutes", "set_by_id", "set_at"], now
        )
        counts["marks"] = marks.copy(
            cursor,
            (
                (i, session, nomination, status, "staff", None, 1, set_at[project])
                for i, (project, nomination, session, status) in enumerate(mark_plan, 1)
            ),
        )

    # -- certificates: rendered (a dummy SHA-256, no file needed), 0.5% revoked and replaced
    with Step("certificates"):
        rows, sequence = [], {}
        codes, replaced_codes = [], []
        cid = 0
        by_nomination = {}
        for project_id, nomination_id, name in chosen:
            p = by_id[project_id]
            cid += 1
            sequence[project_id] = sequence.get(project_id, 0) + 1
            issued = datetime.datetime.combine(p.end + 3 * day, datetime.time(2), tzinfo=datetime.UTC)
            code = new_verification_code()
            rows.append(
                [
                    cid,
                    project_id,
                    nomination_id,
                    sequence[project_id],
                    f"APO-{p.code}-{sequence[project_id]:03d}",
                    code,
                    name,
                    issued,
                    1,
                    f"certificates/{project_id}/{secrets.token_hex(16)}.pdf",
                    secrets.token_hex(32),
                    Certificate.RenderStatus.RENDERED,
                    1,
                    issued + datetime.timedelta(minutes=1),
                    None,
                    None,
                    "",
                    None,
                ]
            )
            by_nomination[nomination_id] = rows[-1]
            codes.append(code)
        for original in rng.sample(rows, n_replacements):
            cid += 1
            project_id, p = original[1], by_id[original[1]]
            sequence[project_id] += 1
            issued = original[7] + 20 * day
            code = new_verification_code()
            rows.append(
                [
                    cid,
                    project_id,
                    original[2],
                    sequence[project_id],
                    f"APO-{p.code}-{sequence[project_id]:03d}",
                    code,
                    original[6] + " (corrected)",
                    issued,
                    1,
                    f"certificates/{project_id}/{secrets.token_hex(16)}.pdf",
                    secrets.token_hex(32),
                    Certificate.RenderStatus.RENDERED,
                    1,
                    issued + datetime.timedelta(minutes=1),
                    None,
                    None,
                    "",
                    None,
                ]
            )
            original[14], original[15], original[16], original[17] = issued, 1, "Name misspelt", cid
            replaced_codes.append(original[5])
        table = Table(
            Certificate,
            [
                "id",
                "project_id",
                "nomination_id",
                "sequence",
                "serial",
                "verification_code",
                "holder_name",
                "issued_at",
                "issued_by_id",
                "pdf",
                "sha256",
                "render_status",
                "render_attempts",
                "rendered_at",
                "revoked_at",
                "revoked_by_id",
                "revocation_reason",
                "replaced_by_id",
                "issued_on",
                "revoked_on",
            ],
            now,
        )
        # replaced_by points at a later row: COPY the new ones' targets first is not needed (the FK is deferred).
        counts["certificates"] = table.copy(
            cursor, [(*r, secretariat_date(r[7]), r[14] and secretariat_date(r[14])) for r in rows]
        )
        valid = [c for c in codes if c not in set(replaced_codes)]
        out["verify_codes"] = rng.sample(valid, min(1000, len(valid)))
        out["replaced_code"] = replaced_codes[0] if replaced_codes else valid[0]

    # -- audit entries and e-mails (the outbox of ten years)
    with Step("audit entries"):
        for p in projects:
            out["audit_rows"].append(
                (p.closes_at - 90 * day, 1, "projects.project.created", str(p.id), p.code, None, {})
            )
            if p.status != ProjectStatus.DRAFT:
                out["audit_rows"].append(
                    (
                        p.closes_at - 60 * day,
                        1,
                        "projects.project.published",
                        str(p.id),
                        p.code,
                        None,
                        {"status": [ProjectStatus.DRAFT, ProjectStatus.PUBLISHED]},
                    )
                )
        for row in rows:
            out["audit_rows"].append(
                (row[7], 1, "certificates.certificate.issued", str(row[0]), row[4], None, {"serial": row[4]})
            )
        table = Table(
            AuditEntry,
            [
                "id",
                "created_at",
                "actor_id",
                "action",
                "target_type",
                "target_id",
                "target_repr",
                "economy_id",
                "changes",
            ],
            now,
        )
        target_type = {
            "nominations": "nominations.nomination",
            "projects": "projects.project",
            "certificates": "certificates.certificate",
        }
        counts["audit entries"] = table.copy(
            cursor,
            (
                (i, created, actor, action, target_type[action.split(".")[0]], target, repr_, economy, changes)
                for i, (created, actor, action, target, repr_, economy, changes) in enumerate(out.pop("audit_rows"), 1)
            ),
        )
    with Step("e-mails"):
        emails = []
        body = "Dear colleague,\n\n" + LOREM + "\n\nAPO Secretariat\n"

        def email(key, to, subject, project_id, created):
            emails.append(
                (len(emails) + 1, key, to, subject, body, OutgoingEmail.Status.SENT, 1, project_id, created, created)
            )

        participant_email = {u: em for pool in pools.values() for u, _, em in pool}
        for project_id, selected in selected_by_project.items():
            p = by_id[project_id]
            for nomination_id, user_id, _ in selected:
                email(
                    f"invitation:{nomination_id}",
                    participant_email[user_id],
                    f"APO {p.code}: you were selected",
                    project_id,
                    p.closes_at + 7 * day,
                )
                if p.start < today:
                    email(
                        f"reminder:participant-program:{project_id}:nomination:{nomination_id}",
                        participant_email[user_id],
                        f"APO {p.code} starts soon",
                        project_id,
                        p.sessions[0][1] - 2 * day,
                    )
        officer_email = {
            o: f"npo-{code_of[e].lower()}-{k}@bench.invalid"
            for e, os_ in out["officers"].items()
            for k, o in enumerate(os_, 1)
        }
        for p in projects:
            if p.status in (ProjectStatus.DRAFT, ProjectStatus.CANCELLED) or p.closes_at > now:
                continue
            for e in p.economies:
                for officer in out["officers"][e]:
                    for days in (14, 3):
                        email(
                            f"reminder:npo-{days}d:{p.id}:user:{officer}",
                            officer_email[officer],
                            f"APO {p.code}: nominations close in {days} days",
                            p.id,
                            p.closes_at - days * day,
                        )
                    if p.start < today:
                        email(
                            f"outcome:{p.id}:{officer}:{secrets.token_hex(8)}",
                            officer_email[officer],
                            f"APO {p.code}: results",
                            p.id,
                            p.closes_at + 7 * day,
                        )
            for staff in secretariat:
                email(
                    f"reminder:secretariat-closed:{p.id}:user:{staff}",
                    f"secretariat-{staff}@bench.invalid",
                    f"APO {p.code}: nominations closed",
                    p.id,
                    p.closes_at + day,
                )
        for row in rows:
            email(f"certificate:{row[0]}", "holder@example.org", "Your APO certificate", row[1], row[7])
        table = Table(
            OutgoingEmail,
            ["id", "key", "to", "subject", "body", "status", "attempts", "project_id", "created_at", "sent_at"],
            now,
        )
        counts["e-mails"] = table.copy(cursor, emails)

    with Step("sequences"):
        for model in (
            User,
            Project,
            Project.participating_economies.through,
            Session,
            DeadlineExtension,
            Nomination,
            Attachment,
            Mark,
            Certificate,
            AuditEntry,
            OutgoingEmail,
        ):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) FROM \"{table}\""
            )

    out["pools"] = pools
    out["selected_by_project"] = selected_by_project
    return out


# --- the Zoom report of the import project ----------------------------------------------------------------


def zoom_report(world: World, rows_wanted: int) -> tuple[bytes, str]:
    """A Zoom participant report of the import project's third session: 200 participants (most by e-mail, some
    by name, some renamed, a few absent) joining and leaving many times, and guests nobody knows."""
    from nominations.models import Nomination

    rng = random.Random(SEED + 1)
    p = world.special["import"]
    session_id, starts, ends = p.sessions[2]
    zone = zoneinfo.ZoneInfo(p.time_zone)
    people = list(
        Nomination.objects.filter(project_id=p.id, status=Nomination.Status.SELECTED)
        .values_list("full_name", "email")
        .order_by("id")
    )
    present = [person for person in people if rng.random() > 0.05]
    guests = max(1, (rows_wanted // 10) // 5)
    participant_rows = rows_wanted - guests * 5
    per_person = _spread(participant_rows, [1] * len(present), 1)

    def clock(moment: datetime.datetime) -> str:
        return moment.astimezone(zone).strftime("%m/%d/%Y %I:%M:%S %p")

    length = (ends - starts).total_seconds()
    lines = [
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants,",
        f'81234567890,"{p.title}",{clock(starts)},{clock(ends)},officer@apo-tokyo.org,{int(length // 60)},'
        f"{len(present) + guests},",
        "",
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room,",
    ]
    rows = []
    for (name, email), n in zip(present, per_person, strict=True):
        how = rng.random()
        shown_name, shown_email = name, email
        if how < 0.6:
            shown_email = email.upper() if rng.random() < 0.2 else email
        elif how < 0.85:
            shown_email = ""
        elif how < 0.95:
            shown_name, shown_email = f"{name.split()[0]} ({name})", ""
        else:
            shown_email = f"other.{email}"
        stays = rng.random() < 0.9  # the others leave early: absent
        window = length * (1.0 if stays else rng.uniform(0.2, 0.6))
        # n connections one after the other (rejoins, a second device), each a few seconds after the last ended.
        cuts = [0.0, *sorted(rng.uniform(0, window) for _ in range(n - 1)), window]
        for k in range(n):
            begin = -rng.uniform(0, 300) if k == 0 else cuts[k] + rng.uniform(0, 20)
            end = cuts[k + 1] + (rng.uniform(0, 120) if k == n - 1 else 0)
            join = starts + datetime.timedelta(seconds=begin)
            leave = starts + datetime.timedelta(seconds=max(end, begin + 1))
            minutes = max(1, round((leave - join).total_seconds() / 60))
            rows.append(f'"{shown_name}",{shown_email},{clock(join)},{clock(leave)},{minutes},No,No,')
    for g in range(guests):
        for k in range(5):
            join = starts + datetime.timedelta(minutes=30 * k + rng.randint(0, 10))
            leave = join + datetime.timedelta(minutes=rng.randint(5, 20))
            rows.append(
                f"Guest {g} Device {k % 2},,{clock(join)},{clock(leave)},{(leave - join).seconds // 60},Yes,No,"
            )
    rng.shuffle(rows)
    return ("\ufeff" + "\r\n".join(lines + rows) + "\r\n").encode("utf-8"), p.time_zone
