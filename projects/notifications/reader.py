"""A project read from the text of an APO project notification (../shared/seeds/001_… is one).

A notification is a header of labelled facts ("Timing and Duration", "Hosting Country(ies)", … "Closing
Date for Nominations"), then numbered sections (1. Objectives, 2. Background, 3. Scope, Methodology, and
Certificate of Attendance, 4. Financial Arrangements, 5. Implementation Procedures), then the signature of
the Secretary-General. Its text reaches the portal pasted from a PDF or read out of one, so it carries the
PDF's scars: wrapped lines, page breaks, OCR'd bullets («, *, +), Windows line ends.

`read_notification()` finds what it can and says plainly what it could not. It only reads: nothing here
touches the database, so the economies it may name are passed in, and what it finds is a proposal that the
Secretariat reviews in the project form before anything is saved.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable

# --- what a notification calls things -----------------------------------------------------------------------

# The header's labels, as the APO prints them, and the project field each one fills. A label may be followed
# by its value on the same line ("Participating Country(ies) All Member Countries") or on the next lines.
HEADER_LABELS = {
    "timing": r"Timing\s+and\s+Duration",
    "hosting": r"Hosting\s+Countr(?:y|ies)(?:\s*\(ies\))?|Host\s+Countr(?:y|ies)",
    "modality": r"Modality",
    "implementing": r"Implementing\s+Organi[sz]ations?(?:\s*\(s\))?",
    "participating": r"Participating\s+Countr(?:y|ies)(?:\s*\(ies\))?|Participating\s+Economies",
    "overseas": r"Overseas\s+Participants",
    "local": r"Local\s+Participants",
    "number": r"Number\s+of\s+Participants",
    "qualifications": r"Qualifications\s+of\s+Participants",
    "nomination": r"Nomination\s+of\s+Participants",
    "closing": r"Closing\s+Date\s+for\s+Nominations?",
    "issued": r"Date\s+of\s+Issue",
}

# The numbered sections, by their names (their numbers and order vary between notifications).
SECTIONS = {
    "objectives": r"Objectives?",
    "background": r"Background",
    "scope": r"Scope(?:,\s*Methodology)?(?:,?\s*and\s+Certificate\s+of\s+Attendance)?|Methodology",
    "financial_arrangements": r"Financial\s+Arrangements?",
    "implementation_procedures": r"Implementation\s+Procedures?",
}

# How notifications and people name the member economies, beyond the names the portal holds.
ECONOMY_ALIASES = {
    "roc": "TW",
    "taiwan": "TW",
    "chinese taipei": "TW",
    "korea": "KR",
    "rok": "KR",
    "south korea": "KR",
    "iran": "IR",
    "ir iran": "IR",
    "laos": "LA",
    "lao people's democratic republic": "LA",
    "turkey": "TR",
    "turkiye": "TR",
    "viet nam": "VN",
    "hong kong, china": "HK",
    "hong kong sar": "HK",
}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split()
    )
}
# A bullet as printed or as OCR read it: •, ·, -, –, *, +, «, », o, ▪, .
BULLET = r"[•·\-–*+«»▪◦o]"
DASH = r"\s*(?:-|–|—|to)\s*"

PROJECT_TYPES = [
    ("tes", r"\bTechnical\s+Expert\s+Services?\b|\bTES\b"),
    ("e_learning", r"\be-?learning\b"),
    ("study_mission", r"\bstudy\s+missions?\b"),
    ("training_course", r"\btraining\s+courses?\b"),
    ("conference", r"\bconferences?\b|\bforums?\b"),
    ("workshop", r"\bworkshops?\b"),
]
CODE = re.compile(r"\b\d{2}-[A-Z]{2,3}-\d{2,3}-[A-Z]{2,3}-[A-Z]{2,4}(?:-[A-Z])?\b")
SIGNATORY_TITLE = re.compile(r"^\s*((?:Acting\s+|Officer-in-Charge,?\s*)?Secretary[-\s]General)\s*$", re.I)


@dataclasses.dataclass
class ProgramDay:
    day: int
    date: datetime.date | None
    topics: list[str]


@dataclasses.dataclass
class NotificationReading:
    """What was found: `fields` keyed by the project form's field names (dates as dates, economies as their
    codes), the program's days, and a sentence for each thing a notification carries that was not found."""

    fields: dict[str, object]
    program: list[ProgramDay]
    unread: list[str]

    def as_json(self) -> dict:
        """One object whose keys are the project's field names, dates as ISO strings, economies by their
        codes, and the program as a list of days with their topics (`manage.py read_notification --json`)."""
        data = {name: _jsonable(value) for name, value in self.fields.items()}
        data["sessions"] = [{"day": day.day, "date": _jsonable(day.date), "topics": day.topics} for day in self.program]
        data["unread"] = self.unread
        return data


def _jsonable(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


# --- reading ------------------------------------------------------------------------------------------------


def read_notification(text: str, economies: Iterable[tuple[str, str]]) -> NotificationReading:
    """Read a notification's text. `economies` are (code, name) of the member economies."""
    economies = list(economies)
    lines = _clean_lines(text)
    first_section = _first_section_line(lines)
    header, body = lines[:first_section], lines[first_section:]
    facts = _header_facts(header)
    sections, signature = _sections(body)
    fields: dict[str, object] = {}
    unread: list[str] = []

    title, code = _title_and_code(header, facts)
    if title:
        fields["title"] = title
    else:
        unread.append("No title was found before “Timing and Duration”.")
    if code:
        fields["code"] = code
    else:
        unread.append("No project code (such as 22-CP-41-GE-DLN-A) was found: enter it.")

    year_hint = _years(text)
    closing = parse_date(" ".join(facts.get("closing", [])), year_hint=year_hint)
    start = end = None
    if "timing" in facts:
        timing = " ".join(facts["timing"])
        if closing and not re.search(r"\b\d{4}\b", timing):
            # "16–19 May" with the year elsewhere: the first such days after nominations close.
            start, end = parse_date_range(timing, year_hint=closing.year)
            if start and start < closing:
                start, end = parse_date_range(timing, year_hint=closing.year + 1)
        else:
            start, end = parse_date_range(timing, year_hint=year_hint)
    if start:
        fields["start_date"], fields["end_date"] = start, end
    else:
        unread.append(
            "The dates were not read: “Timing and Duration” should read like “24–26 August 2022”."
            if "timing" in facts
            else "No “Timing and Duration” was found: enter the start and end dates."
        )

    _economy_facts(facts, economies, fields, unread)
    _modality(facts, fields, unread)
    if facts.get("implementing"):
        fields["implementing_organizations"] = _unwrap(facts["implementing"])
    _participant_numbers(facts, fields, unread)
    if facts.get("qualifications"):
        fields["qualifications"] = _unwrap(facts["qualifications"])
    else:
        unread.append("No “Qualifications of Participants” was found.")

    if closing:
        fields["nomination_closes_at"] = closing
    else:
        unread.append("No closing date for nominations was read: enter it by hand.")
    issued = parse_date(" ".join(facts.get("issued", [])), year_hint=year_hint)
    if issued:
        fields["issued_on"] = issued

    fields["project_type"] = _project_type(text)
    for name in ("objectives", "background", "financial_arrangements", "implementation_procedures"):
        if sections.get(name):
            fields[name] = _paragraphs(sections[name])
        else:
            unread.append(f"No section “{_SECTION_TITLES[name]}” was found.")
    program: list[ProgramDay] = []
    if sections.get("scope"):
        methodology, certificate, program = _scope(sections["scope"], start)
        if methodology:
            fields["methodology"] = methodology
        if certificate:
            fields["certificate_requirement"] = certificate
        if not program:
            unread.append("No program of days (“Day 1:” and its topics) was found in the scope section.")
    else:
        unread.append("No section “Scope, Methodology, and Certificate of Attendance” was found.")
    if signature:
        fields["signatory_name"], fields["signatory_title"] = signature
    else:
        unread.append("No signature (a name above “Secretary-General”) was found at the end.")
    return NotificationReading(fields=fields, program=program, unread=unread)


_SECTION_TITLES = {
    "objectives": "Objectives",
    "background": "Background",
    "financial_arrangements": "Financial Arrangements",
    "implementation_procedures": "Implementation Procedures",
}


def _clean_lines(text: str) -> list[str]:
    """Lines without Windows line ends, page breaks, page numbers or trailing spaces; typographic
    apostrophes kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u00a0", " ")
    lines = []
    for line in text.split("\n"):
        line = line.rstrip()
        if re.fullmatch(r"\s*(?:-\s*)?\d{1,2}(?:\s*-)?\s*|\s*Page\s+\d+(?:\s+of\s+\d+)?\s*", line, re.I):
            continue  # a page number left by the page break
        lines.append(line)
    return lines


def _section_heading(line: str) -> str | None:
    """The section a line opens ("3. Scope, Methodology, …"), or None."""
    match = re.match(r"^\s*(?:\d{1,2}|[IVX]{1,4})\s*[.)]\s+(.+?)\s*:?\s*$", line)
    if not match:
        return None
    for name, pattern in SECTIONS.items():
        if re.fullmatch(pattern, match.group(1), re.I):
            return name
    return None


def _first_section_line(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines) if _section_heading(line)), len(lines))


def _header_facts(header: list[str]) -> dict[str, list[str]]:
    """The header's values by label key; the lines before the first label under the key "before"."""
    facts: dict[str, list[str]] = {"before": []}
    key = "before"
    for line in header:
        for name, pattern in HEADER_LABELS.items():
            match = re.match(rf"^\s*(?:{pattern})\s*:?\s*(.*)$", line, re.I)
            if match:
                key = name
                facts[key] = [match.group(1).strip()] if match.group(1).strip() else []
                break
        else:
            if line.strip():
                facts.setdefault(key, []).append(line.strip())
    return facts


def _sections(body: list[str]) -> tuple[dict[str, list[str]], tuple[str, str] | None]:
    """Each section's lines by name, and the signature (name, title) taken off the end."""
    signature = None
    content = [line for line in body]
    while content and not content[-1].strip():
        content.pop()
    for i in range(len(content) - 1, max(len(content) - 6, 0) - 1, -1):
        if SIGNATORY_TITLE.match(content[i]):
            before = [j for j in range(i - 1, max(i - 4, -1), -1) if content[j].strip()]
            if before and _looks_like_a_name(content[before[0]]):
                signature = (content[before[0]].strip(), re.sub(r"\s+", " ", SIGNATORY_TITLE.match(content[i])[1]))
                content = content[: before[0]]
            break
    sections: dict[str, list[str]] = {}
    current = None
    for line in content:
        name = _section_heading(line)
        if name:
            current = name
            sections.setdefault(current, [])
        elif current:
            sections[current].append(line)
    return sections, signature


def _looks_like_a_name(line: str) -> bool:
    words = line.split()
    return 1 < len(words) <= 6 and not line.rstrip().endswith((".", ":", ";")) and line[:1].isupper()


def _title_and_code(header: list[str], facts: dict[str, list[str]]) -> tuple[str, str]:
    before = facts.get("before", [])
    code = next((m.group(0) for line in header for m in [CODE.search(line)] if m), "")
    words = [CODE.sub("", line).strip(" -–:") for line in before]
    title = " ".join(w for w in words if w and not re.fullmatch(r"(?i)project\s+notification|notification", w))
    return re.sub(r"\s+", " ", title).strip(), code


def _unwrap(lines: list[str]) -> str:
    """Wrapped lines of one paragraph joined by spaces."""
    return re.sub(r"\s+", " ", " ".join(line.strip() for line in lines)).strip()


def _paragraphs(lines: list[str]) -> str:
    """A section's text with its wrapped lines joined: paragraphs (split at blank lines) and list items
    ("a.", "b.", bullets) each on a line of their own, blank lines between paragraphs."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
            continue
        if re.match(rf"^\s*(?:[a-z]\s*[.)]|\d{{1,2}}\s*[.)]|{BULLET})\s+", line) and blocks[-1]:
            blocks.append([])
        blocks[-1].append(line)
    return "\n\n".join(_unwrap(block) for block in blocks if block)


def _years(text: str) -> int | None:
    """The year a notification is about, for dates printed without one: the most frequent year in it (the
    latest of those as frequent)."""
    years = [int(year) for year in re.findall(r"\b(20\d{2})\b", text)]
    return max(years, key=lambda year: (years.count(year), year)) if years else None


def parse_date(text: str, year_hint: int | None = None) -> datetime.date | None:
    """'3 August 2022', 'August 3, 2022', '3 Aug' (with `year_hint`), '2022-08-03'."""
    text = text.strip()
    if match := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        return _date(int(match[1]), int(match[2]), int(match[3]))
    if match := re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?(?:\s+(\d{4}))?\b", text):
        return _date(match[3] or year_hint, _month(match[2]), int(match[1]))
    if match := re.search(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?\b", text):
        return _date(match[3] or year_hint, _month(match[1]), int(match[2]))
    return None


def parse_date_range(text: str, year_hint: int | None = None) -> tuple[datetime.date | None, datetime.date | None]:
    """'24-26 August 2022', '30 November–2 December 2022', '16–19 May' (year from `year_hint`),
    'August 24–26, 2022', '30 December 2022–3 January 2023', or one day: '24 August 2022'."""
    text = re.sub(r"\([^)]*\)", " ", text)  # "(three days)"
    day, year = r"(\d{1,2})(?:st|nd|rd|th)?", r"(?:,?\s+(\d{4}))?"
    month = r"([A-Za-z]{3,9})\.?"
    # Each pattern, and how its groups give (day 1, month 1, year 1, day 2, month 2, year 2).
    shapes = [
        (rf"{day}\s+{month},?\s+(\d{{4}}){DASH}{day}\s+{month}{year}", lambda g: (g[0], g[1], g[2], g[3], g[4], g[5])),
        (rf"{day}\s+{month}{DASH}{day}\s+{month}{year}", lambda g: (g[0], g[1], None, g[2], g[3], g[4])),
        (rf"{day}{DASH}{day}\s+{month}{year}", lambda g: (g[0], g[2], None, g[1], g[2], g[3])),
        (rf"{month}\s+{day}{DASH}{day}{year}", lambda g: (g[1], g[0], None, g[2], g[0], g[3])),
    ]
    for pattern, groups in shapes:
        if match := re.search(pattern, text, re.I):
            day1, month1, year1, day2, month2, year2 = groups(match.groups())
            month1, month2 = _month(month1), _month(month2)
            if not (month1 and month2):
                continue
            year2 = int(year2) if year2 else year_hint
            # Without a year of its own, the first day is in the year of the last, or the one before it
            # (30 December–2 January 2023).
            year1 = int(year1) if year1 else (year2 - 1 if year2 and month1 > month2 else year2)
            start, end = _date(year1, month1, day1), _date(year2, month2, day2)
            return (start, end) if start and end and start <= end else (None, None)
    single = parse_date(text, year_hint)
    return single, single


def _month(name: str | None) -> int | None:
    return MONTHS.get((name or "").lower())


def _date(year, month, day) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day)) if year and month and day else None
    except ValueError:
        return None


def _economy_codes(text: str, economies: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The codes of the economies named in `text`, and the names not recognized."""
    names = {_fold(name): code for code, name in economies}
    names.update({alias: code for alias, code in ECONOMY_ALIASES.items() if code in {c for c, _ in economies}})
    codes, unknown = [], []
    text = re.sub(r"\band\b|;|/", ",", text)
    for part in (p.strip(" .") for p in text.split(",")):
        if not part:
            continue
        code = names.get(_fold(part)) or next((c for c, _ in economies if part.upper() == c), None)
        if code:
            if code not in codes:
                codes.append(code)
        else:
            unknown.append(part)
    return codes, unknown


def _fold(name: str) -> str:
    folded = name.lower().replace("ü", "u").replace("’", "'")
    return re.sub(r"\s+", " ", re.sub(r"^the\s+", "", folded)).strip()


def _economy_facts(facts, economies, fields, unread) -> None:
    hosting = _unwrap(facts.get("hosting", []))
    if hosting:
        codes, unknown = _economy_codes(hosting, economies)
        if codes:
            fields["hosting_economy"] = codes[0]
        if unknown or not codes:
            unread.append(f"The hosting economy “{hosting}” is not a member economy's name: choose it by hand.")
    else:
        unread.append("No hosting country was found.")
    participating = _unwrap(facts.get("participating", []))
    if re.fullmatch(r"(?i)all\s+(?:APO\s+)?member\s+(?:countries|economies)\.?", participating):
        fields["participating_economies"] = [code for code, _ in economies]
    elif participating:
        codes, unknown = _economy_codes(participating, economies)
        fields["participating_economies"] = codes
        if unknown:
            unread.append("Not recognized as member economies: " + ", ".join(f"“{u}”" for u in unknown) + ".")
    else:
        unread.append("No participating countries were found.")


def _modality(facts, fields, unread) -> None:
    text = _unwrap(facts.get("modality", []))
    lowered = text.lower()
    if "hybrid" in lowered:
        fields["modality"] = "hybrid"
    elif "digital" in lowered or "online" in lowered or "virtual" in lowered:
        fields["modality"] = "digital"
    elif re.search(r"face[-\s]to[-\s]face|in[-\s]person", lowered):
        fields["modality"] = "face_to_face"
    if re.search(r"individual[-\s]country", lowered):
        fields["scope"] = "individual_country"
    elif re.search(r"multi[-\s]?country", lowered):
        fields["scope"] = "multicountry"
    if "modality" not in fields:
        unread.append(f"The modality “{text}” was not read." if text else "No modality was found.")


def _number(text: str) -> int | None:
    if match := re.search(r"\b(\d{1,5})\b", text):
        return int(match[1])
    if match := re.search(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", text, re.I):
        return NUMBER_WORDS[match[1].lower()]
    return None


def _participant_numbers(facts, fields, unread) -> None:
    for key, field in (("overseas", "overseas_participants"), ("local", "local_participants")):
        if facts.get(key) and (n := _number(" ".join(facts[key]))) is not None:
            fields[field] = n
    texts = [" ".join(facts.get(k, [])) for k in ("number", "participating", "overseas", "local", "qualifications")]
    for text in texts:
        if limit := re.search(
            r"\b(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\s+(?:participants?\s+)?(?:from|per)\s+(?:each\s+)?"
            r"(?:member\s+)?(?:country|countries|economy|economies)",
            text,
            re.I,
        ):
            fields["per_economy_limit"] = _number(limit[1])
            break
    if "overseas_participants" not in fields and "local_participants" not in fields:
        total = next(
            (int(m[1]) for text in texts for m in [re.search(r"(?i)up\s+to\s+(\d{1,5})\s+participants", text)] if m),
            None,
        )
        if total is None and facts.get("number"):
            total = _number(" ".join(facts["number"]))
        if total is not None:
            # "Up to 20 participants (two from each country)": the seats are for the member economies.
            fields["overseas_participants"] = total
            fields["local_participants"] = 0
        else:
            unread.append("No number of overseas or local participants was found.")


def _project_type(text: str) -> str:
    """The project's type as the text calls it; a workshop if it does not say."""
    for value, pattern in PROJECT_TYPES:
        if re.search(pattern, text, re.I):
            return value
    return "workshop"


def _scope(lines: list[str], start: datetime.date | None) -> tuple[str, str, list[ProgramDay]]:
    """The scope section split into its methodology (the prose), the certificate requirement (the
    paragraph on full participation) and the program ("Day 1:" and its bulleted topics)."""
    prose: list[str] = []
    program: list[ProgramDay] = []
    current: ProgramDay | None = None
    for line in lines:
        day = re.match(r"^\s*Day\s+(\d{1,2})\s*[:.\-–]?\s*(.*)$", line, re.I)
        if day:
            number = int(day[1])
            date = start + datetime.timedelta(days=number - 1) if start else None
            current = ProgramDay(day=number, date=date, topics=[])
            program.append(current)
            if day[2].strip():
                current.topics.append(day[2].strip())
            continue
        if current is not None:
            bullet = re.match(rf"^\s*{BULLET}\s+(.*)$", line)
            if bullet:
                current.topics.append(bullet[1].strip())
                continue
            if line.strip() and current.topics and not line.startswith(" ") and line[:1].islower():
                current.topics[-1] += " " + line.strip()  # a topic wrapped onto the next line
                continue
            if not line.strip():
                continue
            current = None  # prose after the program
        prose.append(line)
    paragraphs = _paragraphs(prose).split("\n\n") if any(line.strip() for line in prose) else []
    certificate = [p for p in paragraphs if re.search(r"(?i)certificate|all\s+sessions|full\s+participation", p)]
    methodology = [p for p in paragraphs if p not in certificate]
    return "\n\n".join(methodology), "\n\n".join(certificate), program
