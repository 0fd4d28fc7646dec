"""`manage.py read_notification FILE [--json]` on the seed as text, as a PDF and as a Word document (issue 18,
item 4): the same reading whichever form the notification comes in."""

import io
import json
import pathlib

import docx
import pytest
import weasyprint
from django.core.management import CommandError, call_command
from django.utils.html import escape

SEED = pathlib.Path(__file__).with_name("data") / "notification_001.txt"

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("read_notification", *args, stdout=out)
    return out.getvalue()


def seed_json() -> dict:
    return json.loads(run(str(SEED), "--json"))


def test_json_keys_are_the_projects_field_names_with_iso_dates_and_economy_codes():
    data = seed_json()
    assert data["start_date"] == "2022-08-24" and data["nomination_closes_at"] == "2022-08-03"
    assert data["hosting_economy"] == "LK" and len(data["participating_economies"]) == 21
    assert data["sessions"][0] == {
        "day": 1,
        "date": "2022-08-24",
        "topics": [
            "Definition and evolution of performance management systems in the public sector",
            "Linking digital transformation and performance management systems in the public sector",
        ],
    }
    assert data["unread"] == ["No project code (such as 22-CP-41-GE-DLN-A) was found: enter it."]
    from projects.forms import ProjectForm

    form_fields = set(ProjectForm.base_fields)
    assert set(data) - {"sessions", "unread"} <= form_fields


def test_without_json_it_prints_each_field_and_the_program():
    out = run(str(SEED))
    assert "Title: Productivity of the Public Sector" in out
    assert "Closing date for nominations: 2022-08-03" in out
    assert "Signed by: Dr. AKP Mochtan" in out
    assert "Day 3 (2022-08-26):\n  - Formulating strategic plans" in out


def test_a_pdf_of_the_notification_reads_as_its_text(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    pages = text.split("3. Scope")  # two pages, as the printed notification has
    html = "".join(
        f'<pre style="font: 10pt sans-serif; page-break-after: always">{escape(part)}</pre>'
        for part in (pages[0], "3. Scope" + pages[1])
    )
    pdf = tmp_path / "notification.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    data = json.loads(run(str(pdf), "--json"))
    expected = seed_json()
    for name in ("title", "start_date", "end_date", "hosting_economy", "nomination_closes_at", "signatory_name"):
        assert data[name] == expected[name], name
    assert [day["topics"] for day in data["sessions"]] == [day["topics"] for day in expected["sessions"]]


def test_a_word_document_with_the_facts_in_a_table_reads_the_same(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    header, body = text.split("1. Objectives", 1)
    document = docx.Document()
    document.add_paragraph("Productivity of the Public Sector")
    table = document.add_table(rows=0, cols=2)
    for label, value in [
        ("Timing and Duration", "24-26 August 2022 (three days)"),
        ("Hosting Country(ies)", "Sri Lanka"),
        ("Modality", "Digital Multicountry"),
        ("Participating Country(ies)", "All Member Countries"),
        ("Overseas Participants", "38"),
        ("Closing Date for Nominations", "3 August 2022"),
    ]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for line in ("1. Objectives" + body).split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "notification.docx"
    document.save(path)
    data = json.loads(run(str(path), "--json"))
    assert data["title"] == "Productivity of the Public Sector"
    assert (data["start_date"], data["nomination_closes_at"]) == ("2022-08-24", "2022-08-03")
    assert data["modality"] == "digital" and data["overseas_participants"] == 38
    assert data["signatory_name"] == "Dr. AKP Mochtan" and len(data["sessions"]) == 3


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("minutes.xlsx", b"PK\x03\x04", "choose a PDF, a Word document (.docx) or a text file"),
        ("fake.pdf", b"<html>not a pdf</html>", "fake.pdf is not a PDF."),
        ("broken.docx", b"PK\x03\x04 not really a zip", "broken.docx could not be read as a Word document."),
    ],
)
def test_a_file_that_is_not_a_notification_gets_a_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")):
        run(str(path))


def test_a_scanned_pdf_with_no_text_says_to_paste_the_text(tmp_path):
    pdf = tmp_path / "scan.pdf"
    weasyprint.HTML(string='<div style="width:5cm;height:5cm;background:#333"></div>').write_pdf(pdf)
    with pytest.raises(CommandError, match="holds no text"):
        run(str(pdf))


def test_a_missing_file_is_said_plainly():
    with pytest.raises(CommandError, match="no-such.txt: no such file"):
        run("no-such.txt")
