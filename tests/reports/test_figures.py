"""The reports' stored figures stay equal to the records: after every kind of change, once committed,
and never from a transaction that rolled back."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from attendance.models import Mark
from attendance.services import mark_set
from certificates.models import Certificate
from certificates.services import certificate_revoke, certificates_issue
from nominations.models import Nomination
from nominations.services import nomination_decide
from projects.forms import SessionFormSet
from projects.services import program_save, project_cancel
from reports import selectors
from reports.models import ProjectFigures
from reports.selectors import Filters
from reports.services import figures_refresh
from tests.concurrency import at_once
from tests.factories import NominationFactory, ProjectFactory, SessionFactory, economy

S = Nomination.Status


def _funnel():
    return {
        r["economy__code"]: (r["nominated"], r["selected"], r["attended_all"], r["certified"])
        for r in selectors.funnel_by_economy(Filters())
    }


def _attendance_rate(project):
    (row,) = selectors.attendance_by_project(Filters())
    assert row.pk == project.pk
    return selectors.attendance_rate(row)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block as a committed transaction would: with its on-commit callbacks."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_figures_follow_marks_certificates_and_revocations(secretariat, finished_project, committed):
    project, sessions, people = finished_project
    assert _funnel() == {"IN": (1, 1, 1, 0), "LK": (1, 1, 0, 0), "VN": (1, 1, 1, 0)}  # Sunil missed day 2
    assert _attendance_rate(project) == 5 / 6

    with committed():
        mark_set(actor=secretariat, session=sessions[1], nomination=people["sunil"], status="late")
    assert _funnel()["LK"] == (1, 1, 1, 0)
    assert _attendance_rate(project) == 1

    with committed():
        certificates_issue(actor=secretariat, project=project)
    assert _funnel() == {"IN": (1, 1, 1, 1), "LK": (1, 1, 1, 1), "VN": (1, 1, 1, 1)}

    with committed():
        certificate_revoke(
            actor=secretariat, certificate=Certificate.objects.get(nomination=people["minh"]), reason="Issued in error"
        )
    assert _funnel()["VN"] == (1, 1, 1, 0)
    assert {r["gender"]: r["certified"] for r in selectors.gender_balance(Filters())} == {"female": 2}


def test_the_figures_follow_nominations_and_decisions(secretariat, committed):
    project = ProjectFactory(participating_economies=["LK"], per_economy_limit=3)
    with committed():
        candidate = NominationFactory(project=project, economy=economy("LK"), status=S.SUBMITTED, gender="male")
    assert _funnel() == {"LK": (1, 0, 0, 0)}
    with committed():
        nomination_decide(actor=secretariat, nomination=candidate, to=S.SELECTED)
    assert _funnel() == {"LK": (1, 1, 0, 0)}  # no session yet: nobody has attended every session
    assert [(r["label"], r["selected"]) for r in selectors.gender_balance(Filters())] == [("Male", 1)]


def _program_without(project, removed):
    """The program form as posted with one session's "Remove" ticked."""
    rows = SessionFormSet(instance=project, prefix="sessions").initial_forms
    data = {"sessions-TOTAL_FORMS": len(rows), "sessions-INITIAL_FORMS": len(rows)}
    for i, row in enumerate(rows):
        session = row.instance
        starts, ends = session.starts_at.astimezone(project.zone), session.ends_at.astimezone(project.zone)
        data |= {
            f"sessions-{i}-id": session.pk,
            f"sessions-{i}-title": session.title,
            f"sessions-{i}-day": starts.date().isoformat(),
            f"sessions-{i}-start_time": f"{starts:%H:%M}",
            f"sessions-{i}-end_time": f"{ends:%H:%M}",
        }
        if session.pk == removed.pk:
            data[f"sessions-{i}-DELETE"] = "on"
    formset = SessionFormSet(data, instance=project, prefix="sessions")
    assert formset.is_valid(), formset.errors
    return formset


def test_removing_a_missed_session_from_the_program_counts_as_attending_all(secretariat, finished_project, committed):
    project, sessions, people = finished_project
    assert _funnel()["LK"] == (1, 1, 0, 0)
    with committed():
        program_save(project=project, actor=secretariat, formset=_program_without(project, sessions[1]))
    assert _funnel()["LK"] == (1, 1, 1, 0)
    assert Mark.objects.filter(session_id=sessions[1].pk).count() == 0


def test_a_transaction_that_rolls_back_leaves_the_figures_alone(finished_project, committed):
    project, sessions, people = finished_project
    before = _funnel()
    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            NominationFactory(project=project, economy=economy("LK"), status=S.SELECTED)
            raise RuntimeError("the request failed")
    assert _funnel() == before
    # The rolled-back transaction left nothing pending behind: the next change is counted.
    with committed():
        NominationFactory(project=project, economy=economy("LK"), status=S.SUBMITTED)
    assert _funnel()["LK"] == (2, 1, 0, 0)


def test_writes_without_signals_are_counted_after_the_refresh_command(finished_project, committed, capsys):
    project, sessions, people = finished_project
    Mark.objects.filter(nomination=people["sunil"], session=sessions[1]).update(status="present")  # no signal
    assert _funnel()["LK"] == (1, 1, 0, 0)
    call_command("refresh_report_figures")
    assert _funnel()["LK"] == (1, 1, 1, 0)
    assert "Refreshed the figures of 1 projects." in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_project_at_once_store_each_group_once():
    project = ProjectFactory(participating_economies=["LK", "PH"])
    SessionFactory(project=project)
    for code, gender in [("LK", "female"), ("LK", "male"), ("PH", "female")]:
        NominationFactory(project=project, economy=economy(code), status=S.SELECTED, gender=gender)
    ProjectFigures.objects.all().delete()
    assert at_once(*[lambda: figures_refresh([project.pk])] * 4) == [None] * 4  # none failed
    assert sorted(ProjectFigures.objects.values_list("economy__code", "gender", "selected")) == [
        ("LK", "female", 1),
        ("LK", "male", 1),
        ("PH", "female", 1),
    ]


def test_the_cached_tables_change_as_soon_as_a_change_commits(secretariat, finished_project, committed):
    project, sessions, people = finished_project
    assert selectors.summary_tables(Filters())["funnel"][1]["attended_all"] == 0  # Sri Lanka: Sunil
    with committed():
        mark_set(actor=secretariat, session=sessions[1], nomination=people["sunil"], status="present")
    assert selectors.summary_tables(Filters())["funnel"][1]["attended_all"] == 1
    assert selectors.summary_tables(Filters(year=project.start_date.year))["held"] == 1

    with committed():  # the tables hold the economies' names
        renamed = economy("VN")
        renamed.name = "Viet Nam"
        renamed.save()
    assert [row["economy__name"] for row in selectors.summary_tables(Filters())["funnel"]][-1] == "Viet Nam"

    with committed():
        project_cancel(project=project, actor=secretariat, reason="The venue is closed")
    tables = selectors.summary_tables(Filters())
    assert (tables["held"], tables["funnel"], tables["gender"]) == (0, [], [])  # cancelled projects do not count


def test_the_cached_page_of_attendance_rates_changes_as_soon_as_a_mark_does(secretariat, finished_project, committed):
    project, sessions, people = finished_project
    (row,) = selectors.attendance_page(Filters(), None)
    assert (row.code, row.participant_count, row.session_count, row.attended_count) == (project.code, 3, 2, 5)
    with committed():
        mark_set(actor=secretariat, session=sessions[1], nomination=people["sunil"], status="present")
    (row,) = selectors.attendance_page(Filters(), None)
    assert row.rate == 1


def test_a_transaction_writing_many_marks_of_a_project_refreshes_its_figures_once(
    secretariat, finished_project, committed
):
    project, sessions, people = finished_project
    with mock.patch("reports.signals.figures_refresh", wraps=figures_refresh) as refresh, committed():
        with transaction.atomic():
            for session in sessions:
                for nomination in people.values():
                    mark_set(actor=secretariat, session=session, nomination=nomination, status="excused")
            for nomination in people.values():
                mark_set(actor=secretariat, session=sessions[1], nomination=nomination, status="present")
    assert [sorted(call.args[0]) for call in refresh.call_args_list] == [[project.pk]]
    assert _funnel() == {"IN": (1, 1, 0, 0), "LK": (1, 1, 0, 0), "VN": (1, 1, 0, 0)}  # day 1 excused


def test_marks_that_roll_back_refresh_nothing_even_inside_a_transaction_that_commits(
    secretariat, finished_project, committed
):
    project, sessions, people = finished_project
    with mock.patch("reports.signals.figures_refresh", wraps=figures_refresh) as refresh:
        with committed(), pytest.raises(RuntimeError), transaction.atomic():
            mark_set(actor=secretariat, session=sessions[1], nomination=people["sunil"], status="present")
            raise RuntimeError("the request failed")
        with committed(), transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint
                mark_set(actor=secretariat, session=sessions[1], nomination=people["sunil"], status="present")
                raise RuntimeError("this row failed")
        assert refresh.call_count == 0
        assert _funnel()["LK"] == (1, 1, 0, 0)
        with committed():  # what was left pending by the rollbacks does not keep the next change from counting
            mark_set(actor=secretariat, session=sessions[1], nomination=people["sunil"], status="late")
    assert [sorted(call.args[0]) for call in refresh.call_args_list] == [[project.pk]]
    assert _funnel()["LK"] == (1, 1, 1, 0)


def test_no_module_reads_djangos_list_of_on_commit_callbacks():
    """`connection.run_on_commit` is Django's own bookkeeping; the portal uses transaction.on_commit."""
    root = Path(__file__).resolve().parents[2]
    readers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "node_modules", "tests"} & set(path.relative_to(root).parts)
        and "run_on_commit" in path.read_text(encoding="utf-8")
    ]
    assert readers == []


def test_deletions_in_the_admin_are_counted_at_once(admin_client, finished_project, committed):
    """The admin writes no service, but what it deletes changes the figures as a service's write would."""
    project, sessions, people = finished_project
    assert _funnel()["LK"] == (1, 1, 0, 0)  # Sunil missed day 2
    missed = Mark.objects.get(session=sessions[1], nomination=people["sunil"])
    with committed():
        response = admin_client.post(reverse("admin:projects_session_delete", args=[sessions[1].pk]), {"post": "yes"})
    assert response.status_code == 302 and not Mark.objects.filter(pk=missed.pk).exists()
    assert _funnel()["LK"] == (1, 1, 1, 0)
    with committed():
        admin_client.post(reverse("admin:nominations_nomination_delete", args=[people["sunil"].pk]), {"post": "yes"})
    assert "LK" not in _funnel()


def test_an_edit_in_the_admin_is_counted_at_once(admin_client, finished_project, committed):
    project, sessions, people = finished_project
    url = reverse("admin:nominations_nomination_change", args=[people["sunil"].pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({"economy": economy("VN").pk, "_save": "Save"})
    for prefix in ("attachments",):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    with committed():
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert _funnel()["VN"][0] == 2 and "LK" not in _funnel()
