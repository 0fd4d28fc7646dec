"""The Secretariat's review at scale: search, "all matching", the confirmation with counts, and a bulk
decision that takes only ids inside the filtered list and never more than the quotas allow."""

import re

import pytest
from django.urls import reverse

from mail.models import OutgoingEmail
from nominations import selectors
from nominations.models import Nomination
from tests.factories import NominationFactory, ProjectFactory, economy
from tests.pages import page_text

Status = Nomination.Status
pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [row.full_name for row in response.context["page"].object_list]


@pytest.fixture
def project():
    """Sri Lanka's three candidates and Indonesia's two; Sri Lanka may have two selected."""
    project = ProjectFactory(
        participating_economies=["LK", "ID"], per_economy_limit=2, overseas_participants=3, local_participants=2
    )
    for rank, (name, organization, email) in enumerate(
        [
            ("Kavita Iyer", "Ceylon Tea Board", "kavita@tea.lk"),
            ("Anil Das", "National Productivity Secretariat", "anil@nps.gov.lk"),
            ("Ravi Menon", "Colombo Port", "ravi@port.lk"),
        ],
        start=1,
    ):
        NominationFactory(project=project, full_name=name, organization=organization, email=email, priority_rank=rank)
    for rank, name in enumerate(["Siti Rahma", "Budi Santoso"], start=1):
        NominationFactory(
            project=project,
            economy=economy("ID"),
            full_name=name,
            email=f"{name.split()[0].lower()}@lan.go.id",
            priority_rank=rank,
        )
    NominationFactory(project=project, full_name="Draft Only", status=Status.DRAFT, priority_rank=9)
    return project


def _review(client, project, **params):
    return client.get(reverse("nominations:review", args=[project.code]), params)


def test_the_search_finds_a_name_an_organization_or_an_e_mail_within_the_other_filters(login, secretariat, project):
    client = login(secretariat)
    assert _names(_review(client, project, q="kavita")) == ["Kavita Iyer"]
    assert _names(_review(client, project, q="productivity secretariat")) == ["Anil Das"]
    assert _names(_review(client, project, q="lan.go.id")) == ["Siti Rahma", "Budi Santoso"]
    assert _names(_review(client, project, q="a", economy="ID")) == ["Siti Rahma", "Budi Santoso"]
    nothing = _review(client, project, q="Draft Only")
    assert _names(nothing) == [] and "No nomination matches." in page_text(nothing)
    page = page_text(_review(client, project, q="port"))
    assert "1 nomination matches, in each economy's order of priority" in page and "All 1 matching" in page


def test_the_search_as_htmx_asks_it_answers_with_the_list_alone(login, secretariat, project):
    response = login(secretariat).get(
        reverse("nominations:review", args=[project.code]),
        {"q": "Siti"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="review-list",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="review-list">') and "<html" not in body
    assert "Siti Rahma" in body and "Kavita Iyer" not in body
    assert 'name="query" value="q=Siti"' in body  # a decision from this list keeps its filter
    assert "Against the quotas" not in body


def _confirm(client, project, query="", **data):
    return client.post(reverse("nominations:confirm", args=[project.code]), {"query": query, **data}, follow=True)


def _hidden_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'<input type="hidden" name="nominations" value="(\d+)">', response.content.decode())
    ]


def test_all_matching_takes_every_nomination_the_filters_leave_and_the_confirmation_counts_them(
    login, secretariat, project
):
    client = login(secretariat)
    response = _confirm(client, project, query="economy=LK&page=1", all_matching="1", decision=Status.SELECTED)
    page = page_text(response)
    assert "Select 3 nominations from 1 economy?" in page
    assert "2 would be selected." in page
    assert "1 would exceed a quota and stay as it is: Ravi Menon (Sri Lanka): the limit is 2 per economy" in page
    lanka = Nomination.objects.filter(economy__code="LK").exclude(status=Status.DRAFT)
    assert sorted(_hidden_ids(response)) == sorted(lanka.values_list("pk", flat=True))
    assert not Nomination.objects.filter(status=Status.SELECTED).exists()  # confirming is not deciding

    # confirmed: the service does what the confirmation said, within the quota
    decided = client.post(
        reverse("nominations:decide", args=[project.code]),
        {
            "query": "economy=LK&page=1",
            "decision": Status.SELECTED,
            "nominations": _hidden_ids(response),
            "note": "Round 1",
        },
        follow=True,
    )
    assert decided.redirect_chain[-1][0].endswith("?economy=LK&page=1")
    page = page_text(decided)
    assert "Selected: 2 nominations." in page
    assert "Ravi Menon: " not in page and "Sri Lanka already has 2 selected participants" in page
    assert sorted(Nomination.objects.filter(status=Status.SELECTED).values_list("full_name", flat=True)) == [
        "Anil Das",
        "Kavita Iyer",
    ]


def test_the_confirmation_counts_economies_places_and_moves_the_rules_refuse(login, secretariat, project):
    Nomination.objects.filter(full_name="Budi Santoso").update(status=Status.REJECTED)
    Nomination.objects.filter(full_name="Siti Rahma").update(status=Status.SELECTED)
    client = login(secretariat)
    picked = Nomination.objects.exclude(status=Status.DRAFT).values_list("pk", flat=True)
    page = page_text(_confirm(client, project, nominations=list(picked), decision=Status.WAITLISTED))
    assert "Wait-list 5 nominations from 2 economies?" in page
    assert "4 would be wait-listed." in page
    assert "1 cannot be wait-listed from its status: Budi Santoso: a rejected nomination" in page
    assert "Indonesia 2 1 / 2" in page and "Sri Lanka 3 0 / 2" in page  # chosen, and selected now of the limit

    # overseas places run out before the per-economy limit does
    project.overseas_participants = 2
    project.save(update_fields=["overseas_participants"])
    page = page_text(_confirm(client, project, nominations=list(picked), decision=Status.SELECTED))
    assert "1 would be selected." in page and "1 is already selected." in page
    assert (
        "2 would exceed a quota and stay as they are: Anil Das (Sri Lanka): all 2 overseas places are taken "
        "Ravi Menon (Sri Lanka): all 2 overseas places are taken"
    ) in page


def test_ids_outside_the_filtered_list_change_nothing_and_say_why(login, secretariat, project):
    client = login(secretariat)
    kavita = Nomination.objects.get(full_name="Kavita Iyer")
    draft = Nomination.objects.get(full_name="Draft Only")
    for query, ids in (("economy=ID", [kavita.pk]), ("", [draft.pk]), ("", [kavita.pk, 999_999])):
        for name in ("nominations:confirm", "nominations:decide"):
            response = client.post(
                reverse(name, args=[project.code]),
                {"query": query, "decision": Status.SELECTED, "nominations": ids},
                follow=True,
            )
            assert "A chosen nomination is not in the list you filtered" in page_text(response), (query, ids, name)
    assert not Nomination.objects.filter(status=Status.SELECTED).exists()


NOT_IN_LIST = "A chosen nomination is not in the list you filtered"


@pytest.mark.parametrize(
    "data, messages",
    [
        ({"decision": "withdrawn"}, ["Select a valid choice. withdrawn is not one of the available choices."] * 2),
        (
            {"decision": Status.SELECTED, "query": "economy=XX"},
            ["The list's filters are not valid: nothing was decided."] * 2,
        ),
        ({"decision": Status.SELECTED, "nominations": []}, ["Tick at least one nomination."] * 2),
        ({"decision": Status.SELECTED, "nominations": ["1²"]}, [NOT_IN_LIST] * 2),
        # "all matching" is the confirmation's to resolve into ids; the decision itself takes only ids
        ({"decision": Status.SELECTED, "query": "q=nobody", "all_matching": "1"}, ["Tick at least one", NOT_IN_LIST]),
    ],
)
def test_bad_input_to_a_bulk_decision_changes_nothing_with_a_message(login, secretariat, project, data, messages):
    client = login(secretariat)
    submitted = Nomination.objects.exclude(status=Status.DRAFT).values_list("pk", flat=True)
    data = {"nominations": list(submitted), **data}
    for name, message in zip(("nominations:confirm", "nominations:decide"), messages, strict=True):
        response = client.post(reverse(name, args=[project.code]), data, follow=True)
        assert message in page_text(response), name
        assert response.redirect_chain[-1][0].startswith(reverse("nominations:review", args=[project.code]))
    assert not Nomination.objects.exclude(status__in=[Status.SUBMITTED, Status.DRAFT]).exists()


def test_the_review_and_its_confirmation_are_the_secretariats_only(login, npo_officer, project):
    client = login(npo_officer)
    assert client.post(reverse("nominations:confirm", args=[project.code]), {"decision": "selected"}).status_code == 404
    assert client.get(reverse("nominations:announce_progress", args=[project.code])).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_the_forecast_counts_in_two_queries_at_any_size(django_assert_max_num_queries, size):
    project = ProjectFactory(participating_economies=["LK", "ID", "JP"], per_economy_limit=2)
    for code in ("LK", "ID", "JP"):
        NominationFactory.create_batch(size, project=project, economy=economy(code))
    scope = selectors.review_scope(project=project)
    ids = list(scope.values_list("pk", flat=True))
    with django_assert_max_num_queries(2):
        forecast = selectors.bulk_decision_forecast(project=project, scope=scope, ids=ids, to=Status.SELECTED)
    assert forecast.count == 3 * size and forecast.changes == min(6, project.overseas_participants)


# ---------------------------------------------------------------- the announcement's e-mails, as they leave


def _announce_progress(client, project):
    return client.get(reverse("nominations:announce_progress", args=[project.code]))


def test_the_review_shows_the_results_e_mails_leaving_until_all_are_sent(login, secretariat, npo_officer, project):
    client = login(secretariat)
    assert "Results e-mails" not in page_text(_review(client, project))  # nothing announced yet
    Nomination.objects.filter(full_name__in=["Kavita Iyer", "Siti Rahma"]).update(status=Status.SELECTED)
    client.post(reverse("nominations:announce", args=[project.code]))
    emails = OutgoingEmail.objects.filter(project=project)
    assert emails.count() == 3  # Sri Lanka's officer's outcome, two invitations
    review = _review(client, project)
    assert "0 of 3 sent; 3 on their way: this updates by itself." in page_text(review)
    assert 'hx-trigger="every 3s"' in review.content.decode()

    first, second, third = emails.order_by("pk")
    OutgoingEmail.objects.filter(pk=first.pk).update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(pk=second.pk).update(status=OutgoingEmail.Status.FAILED, last_error="550 no such user")
    partial = _announce_progress(client, project)
    assert page_text(partial).strip().startswith("Results e-mails 1 of 3 sent, 1 failed; 1 on their way")
    assert f"Not sent {second.to}: 550 no such user Send again to {second.to}" in page_text(partial)
    assert f'<input type="hidden" name="email" value="{second.pk}">' in partial.content.decode()

    OutgoingEmail.objects.filter(pk=third.pk).update(status=OutgoingEmail.Status.SENT)
    done = _announce_progress(client, project)
    assert "2 of 3 sent, 1 failed." in page_text(done) and "hx-trigger" not in done.content.decode()


@pytest.mark.parametrize("size", [2, 20])
def test_the_announcements_progress_is_counted_in_two_queries_at_any_size(django_assert_max_num_queries, size):
    project = ProjectFactory()
    for i in range(size):
        status = OutgoingEmail.Status.FAILED if i % 2 else OutgoingEmail.Status.SENT
        OutgoingEmail.objects.create(
            key=f"invitation:{i}", to=f"p{i}@example.org", subject="s", body="b", project=project, status=status
        )
    OutgoingEmail.objects.create(key="reminder:1", to="x@example.org", subject="s", body="b", project=project)
    with django_assert_max_num_queries(2):
        progress = selectors.announcement_progress(project)
        assert (progress.total, progress.sent, progress.failed, len(progress.failures)) == (
            size,
            size // 2,
            size // 2,
            size // 2,
        )
