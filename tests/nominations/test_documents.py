"""Nominating in one go (issue 17, item 1): the documents uploaded with the nomination form, required by the
project before a nomination is submitted, a checklist of what each candidate lacks, and a nomination started
from a candidate the economy nominated before, with that candidate's APO history, scoped to the economy."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from certificates.models import Certificate
from nominations import rules, services
from nominations.files import sha256_of
from nominations.models import Attachment, Nomination
from projects.models import Project
from tests.factories import (
    NominationFactory,
    ProjectFactory,
    candidate,
    document_fields,
    document_file,
    documents,
    economy,
)
from tests.pages import page_text

Status = Nomination.Status
pytestmark = pytest.mark.django_db


def _attach(nomination, kinds=("biodata", "cv", "endorsement"), by=None):
    for kind in kinds:
        services.attachment_upload(
            actor=by, nomination=nomination, kind=kind, uploaded=document_file(kind, f"{nomination.pk}-{kind}.pdf")
        )


def _stored(nomination, kinds=("biodata", "cv", "endorsement")):
    """Documents of a nomination no longer open to changes (an earlier project's), stored as uploaded then."""
    for kind in kinds:
        upload = document_file(kind, f"old-{kind}.pdf")
        Attachment.objects.create(
            nomination=nomination, kind=kind, file=upload, file_type="pdf", original_name=upload.name,
            size=upload.size, sha256=sha256_of(upload),
        )  # fmt: skip


def _create_url(project, query=""):
    return reverse("nominations:create", args=[project.code]) + query


# ---------------------------------------------------------------- rules


def test_a_project_requires_every_document_by_default_in_the_documents_order():
    project = ProjectFactory()
    assert project.required_documents == ["biodata", "cv", "endorsement"]
    assert rules.missing_documents(project, ["endorsement"]) == ["biodata", "cv"]
    assert rules.document_names(["biodata", "cv"]) == "the biodata form and curriculum vitae"
    project.required_documents = ["endorsement", "cv"]
    assert rules.required_documents(project) == ["cv", "endorsement"]
    assert rules.missing_documents(project, ["cv", "endorsement"]) == []


def test_the_project_page_says_which_documents_a_nomination_needs(client):
    project = ProjectFactory(required_documents=["cv", "endorsement"])
    page = page_text(client.get(reverse("projects:detail", args=[project.code])))
    assert "each with: curriculum vitae, endorsement letter." in page


def test_a_project_accepts_only_the_known_documents():
    project = ProjectFactory(required_documents=["cv", "passport"])
    with pytest.raises(Exception, match="Choose among the biodata form, CV and endorsement letter"):
        project.full_clean()


# ---------------------------------------------------------------- services


def test_a_draft_without_its_documents_is_not_submitted_and_nothing_changes(npo_officer):
    project = ProjectFactory()
    draft = services.nomination_create(
        actor=npo_officer, project=project, data=candidate(), documents=documents(["cv"])
    )
    with pytest.raises(services.NominationError) as refusal:
        services.nomination_submit(actor=npo_officer, nomination=draft)
    assert refusal.value.messages == [
        f"Nguyễn Văn An cannot be submitted yet: add the biodata form and endorsement letter. {project.code} requires "
        "the biodata form, curriculum vitae and endorsement letter."
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at) == (Status.DRAFT, None)
    assert not AuditEntry.objects.filter(action="nominations.nomination.submitted").exists()


def test_submitting_at_creation_without_the_documents_writes_nothing(npo_officer):
    project = ProjectFactory()
    with pytest.raises(services.NominationError, match="add the endorsement letter"):
        services.nomination_create(
            actor=npo_officer, project=project, data=candidate(), submit=True, documents=documents(["biodata", "cv"])
        )
    assert (Nomination.objects.count(), Attachment.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_a_nomination_is_submitted_with_its_documents_in_one_step(npo_officer):
    project = ProjectFactory()
    nomination = services.nomination_create(
        actor=npo_officer, project=project, data=candidate(), submit=True, documents=documents()
    )
    assert nomination.status == Status.SUBMITTED
    held = {a.kind: (a.original_name, a.file_type) for a in nomination.attachments.all()}
    assert held == {
        "biodata": ("biodata.pdf", "pdf"),
        "cv": ("cv.pdf", "pdf"),
        "endorsement": ("endorsement.pdf", "pdf"),
    }


def test_a_project_that_requires_only_the_cv_takes_a_nomination_with_the_cv(npo_officer):
    project = ProjectFactory(required_documents=["cv"])
    nomination = services.nomination_create(
        actor=npo_officer, project=project, data=candidate(), submit=True, documents=documents(["cv"])
    )
    assert nomination.status == Status.SUBMITTED


def test_an_edit_replaces_a_document_and_submits_the_draft(npo_officer):
    project = ProjectFactory()
    draft = services.nomination_create(
        actor=npo_officer, project=project, data=candidate(), documents=documents(["biodata", "cv"])
    )
    old_cv = draft.attachments.get(kind="cv").file.name
    services.nomination_update(
        actor=npo_officer,
        nomination=draft,
        data={},
        documents={"cv": document_file("cv", "new-cv.pdf"), "endorsement": document_file("endorsement")},
        submit=True,
    )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    cv = draft.attachments.get(kind="cv")
    assert (cv.original_name, cv.file.name != old_cv) == ("new-cv.pdf", True)


def test_documents_reused_from_an_earlier_nomination_are_copies(npo_officer):
    earlier = NominationFactory(project=ProjectFactory(), status=Status.SELECTED)
    _stored(earlier)
    before = {a.pk: (a.file.name, a.sha256) for a in earlier.attachments.all()}
    reused = {a.kind: a for a in earlier.attachments.all()}
    project = ProjectFactory()
    nomination = services.nomination_create(
        actor=npo_officer,
        project=project,
        data=candidate(),
        submit=True,
        documents={"biodata": reused["biodata"], "cv": reused["cv"], "endorsement": document_file("endorsement")},
    )
    copies = {a.kind: a for a in nomination.attachments.all()}
    assert copies["cv"].sha256 == reused["cv"].sha256 and copies["cv"].file.name != reused["cv"].file.name
    assert copies["cv"].original_name == reused["cv"].original_name
    assert {a.pk: (a.file.name, a.sha256) for a in earlier.attachments.all()} == before  # the old ones stay
    assert copies["cv"].file.open("rb").read() == reused["cv"].file.open("rb").read()
    entry = AuditEntry.objects.filter(action="nominations.nomination.attachment_uploaded", changes__kind="cv").first()
    assert entry.changes["copied_from"] == earlier.pk


def test_another_economys_document_is_never_copied(npo_officer):
    theirs = NominationFactory(economy=economy("ID"))
    _stored(theirs, kinds=["cv"])
    with pytest.raises(PermissionDenied):
        services.nomination_create(
            actor=npo_officer, project=ProjectFactory(), data=candidate(), documents={"cv": theirs.attachments.get()}
        )
    assert Nomination.objects.filter(email="an@example.org").count() == 0


# ---------------------------------------------------------------- the form, in one POST


def test_an_officer_nominates_with_the_three_documents_in_one_post(login, npo_officer):
    project = ProjectFactory()
    client = login(npo_officer)
    form = page_text(client.get(_create_url(project)))
    assert "Biodata form (required)" in form and "Curriculum vitae (required)" in form
    response = client.post(_create_url(project), {**candidate(), **document_fields(), "submit": ""})
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and nomination.status == Status.SUBMITTED
    assert sorted(nomination.attachments.values_list("kind", flat=True)) == ["biodata", "cv", "endorsement"]
    page = page_text(client.get(response["Location"]))
    assert "Nguyễn Văn An was submitted to the APO Secretariat." in page
    assert "Biodata form: received" in page and "missing" not in page


def test_submitting_the_form_without_a_required_document_says_what_is_missing_and_saves_nothing(login, npo_officer):
    project = ProjectFactory()
    response = login(npo_officer).post(
        _create_url(project), {**candidate(), **document_fields(["biodata"]), "submit": ""}
    )
    assert response.status_code == 200
    page = page_text(response)
    assert "Nguyễn Văn An cannot be submitted yet: add the curriculum vitae and endorsement letter." in page
    assert "Required before the nomination can be submitted." in page
    assert (Nomination.objects.count(), Attachment.objects.count()) == (0, 0)


def test_a_draft_may_lack_documents_and_the_message_says_which(login, npo_officer):
    project = ProjectFactory()
    client = login(npo_officer)
    response = client.post(_create_url(project), {**candidate(), **document_fields(["cv"]), "draft": ""}, follow=True)
    assert "saved as a draft. Still to add before submitting: the biodata form and endorsement letter." in (
        page_text(response)
    )
    assert Nomination.objects.get().status == Status.DRAFT


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("cv.pdf", b"MZ\x90\x00 not a document", "Upload a PDF, Word (.docx) or Excel (.xlsx) file."),
        ("cv.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_bad_file_in_the_form_changes_nothing(login, npo_officer, name, content, message):
    project = ProjectFactory()
    fields = {**document_fields(["biodata", "endorsement"]), "document_cv": document_file("cv", name, content)}
    response = login(npo_officer).post(_create_url(project), {**candidate(), **fields, "submit": ""})
    assert response.status_code == 200 and message in page_text(response)
    assert (Nomination.objects.count(), Attachment.objects.count()) == (0, 0)


def test_a_hostile_file_name_is_kept_only_as_a_harmless_label(login, npo_officer):
    project = ProjectFactory()
    hostile = "../../etc/\u202epasswd<script>.pdf"
    fields = {**document_fields(["biodata", "endorsement"]), "document_cv": document_file("cv", hostile)}
    login(npo_officer).post(_create_url(project), {**candidate(), **fields, "submit": ""})
    cv = Attachment.objects.get(kind="cv")
    assert cv.original_name == "passwd<script>.pdf"
    assert cv.file.name.startswith(f"nominations/{project.pk}/") and "passwd" not in cv.file.name


def test_the_edit_form_replaces_a_document(login, npo_officer):
    nomination = NominationFactory(status=Status.DRAFT)
    _attach(nomination, by=npo_officer)
    client = login(npo_officer)
    form = page_text(client.get(reverse("nominations:edit", args=[nomination.pk])))
    assert f"Held: {nomination.pk}-cv.pdf. Choose a file only to replace it." in form
    data = {**candidate(email=nomination.email), "document_cv": document_file("cv", "cv-2026.pdf"), "draft": ""}
    client.post(reverse("nominations:edit", args=[nomination.pk]), data)
    assert nomination.attachments.get(kind="cv").original_name == "cv-2026.pdf"
    assert nomination.attachments.count() == 3


# ---------------------------------------------------------------- the checklist


def test_the_economy_list_and_the_nomination_page_show_what_each_candidate_lacks(login, npo_officer):
    project = ProjectFactory()
    complete = NominationFactory(project=project, status=Status.DRAFT, full_name="Amal Silva", priority_rank=1)
    _attach(complete, by=npo_officer)
    lacking = NominationFactory(project=project, status=Status.DRAFT, full_name="Kasun Perera", priority_rank=2)
    _attach(lacking, kinds=["cv"], by=npo_officer)
    client = login(npo_officer)
    listing = page_text(client.get(reverse("nominations:economy", args=[project.code])))
    kasun = listing[listing.index("Kasun Perera") :]
    assert "Lacks biodata form, endorsement letter" in kasun
    amal = listing[listing.index("Amal Silva") : listing.index("Kasun Perera")]
    assert "All 3 in" in amal and "Lacks" not in amal
    page = page_text(client.get(reverse("nominations:detail", args=[lacking.pk])))
    assert "Biodata form: missing" in page and "Curriculum vitae: received" in page
    page = page_text(client.get(reverse("nominations:detail", args=[lacking.pk])))
    assert "To submit Kasun Perera, add the biodata form and endorsement letter" in page
    assert "Submit to the APO Secretariat" not in page
    assert "Submit to the APO Secretariat" in page_text(client.get(reverse("nominations:detail", args=[complete.pk])))


def test_the_secretariat_sets_the_required_documents_in_the_project_form(login, secretariat):
    from tests.projects.test_views import _project_form

    client = login(secretariat)
    form = page_text(client.get(reverse("manage:create")))
    assert "Documents required with a nomination" in form
    client.post(reverse("manage:create"), _project_form(required_documents=["endorsement", "biodata"]))
    assert Project.objects.get(code="27-IN-12-GE-WSP-A").required_documents == ["biodata", "endorsement"]


# ---------------------------------------------------------------- a candidate nominated before


@pytest.fixture
def earlier(npo_officer):
    """Sri Lanka's candidate of an earlier project, selected, with a certificate and three documents; and a
    candidate of Indonesia with the same e-mail address for yet another project."""
    past = ProjectFactory(
        code="25-CP-01-GE-DLN-A",
        start_date=timezone.localdate() - datetime.timedelta(days=200),
        end_date=timezone.localdate() - datetime.timedelta(days=198),
        nomination_closes_at=timezone.now() - datetime.timedelta(days=230),
        status=Project.Status.COMPLETED,
    )
    ours = NominationFactory(
        project=past,
        full_name="Chamari Jayasinghe",
        email="chamari@example.lk",
        organization="Sri Lanka Ports Authority",
        education="MBA, University of Colombo",
        experience="Ten years in port logistics",
        status=Status.SELECTED,
    )
    _stored(ours)
    Certificate.objects.create(
        project=past,
        nomination=ours,
        sequence=1,
        serial="APO-25-CP-01-001",
        holder_name=ours.full_name,
        render_status="rendered",
        rendered_at=timezone.now(),
        sha256="0" * 64,
    )
    theirs = NominationFactory(
        project=ProjectFactory(code="25-CP-02-GE-DLN-A", participating_economies=["ID"]),
        economy=economy("ID"),
        full_name="Chamari J. (Indonesia's)",
        email="chamari@example.lk",
        organization="Secret Indonesian Agency",
    )
    return ours, theirs


def test_an_officer_finds_a_candidate_of_their_own_economy_by_name_or_email(login, npo_officer, earlier):
    ours, theirs = earlier
    project = ProjectFactory()
    client = login(npo_officer)
    for query in ("?q=jayasinghe", "?q=CHAMARI@example", "?q=chamari"):
        page = page_text(client.get(_create_url(project, query)))
        assert "Nominate Chamari Jayasinghe" in page, query
        assert "Indonesia" not in page and "Secret Indonesian Agency" not in page
    fragment = client.get(_create_url(project, "?q=chamari"), headers={"HX-Request": "true"})
    assert "Nominate Chamari Jayasinghe" in page_text(fragment) and "<form" not in fragment.content.decode()
    assert "No candidate of your economy matches “Secret”." in page_text(client.get(_create_url(project, "?q=Secret")))


def test_a_nomination_started_from_an_earlier_one_is_prefilled_and_shows_the_history(login, npo_officer, earlier):
    ours, _theirs = earlier
    project = ProjectFactory()
    response = login(npo_officer).get(_create_url(project, f"?from={ours.pk}"))
    form = response.context["form"]
    assert (form["full_name"].value(), form["organization"].value(), form["experience"].value()) == (
        "Chamari Jayasinghe",
        "Sri Lanka Ports Authority",
        "Ten years in port logistics",
    )
    assert form["expectations"].value() in (None, "")
    page = page_text(response)
    assert "Chamari Jayasinghe's APO history" in page
    assert "25-CP-01-GE-DLN-A" in page and "APO-25-CP-01-001" in page and "Selected" in page
    assert "25-CP-02-GE-DLN-A" not in page and "Indonesia" not in page
    assert "The candidate still holds it: reuse old-cv.pdf (25-CP-01-GE-DLN-A)" in page


def test_ticked_documents_are_copied_into_the_new_nomination(login, npo_officer, earlier):
    ours, _theirs = earlier
    project = ProjectFactory()
    data = {
        **candidate(full_name="Chamari Jayasinghe", email="chamari@example.lk"),
        "from": ours.pk,
        "reuse_biodata": "on",
        "reuse_cv": "on",
        "document_endorsement": document_file("endorsement", "endorsement-2026.pdf"),
        "submit": "",
    }
    response = login(npo_officer).post(_create_url(project), data)
    assert response.status_code == 302
    new = Nomination.objects.get(project=project)
    names = dict(new.attachments.values_list("kind", "original_name"))
    assert names == {"biodata": "old-biodata.pdf", "cv": "old-cv.pdf", "endorsement": "endorsement-2026.pdf"}
    assert new.status == Status.SUBMITTED
    assert ours.attachments.count() == 3


@pytest.mark.parametrize("hostile", ["theirs", "0", "abc", "1 OR 1=1", "²"])
def test_an_officer_cannot_prefill_from_another_economys_candidate(login, npo_officer, earlier, hostile):
    _ours, theirs = earlier
    value = theirs.pk if hostile == "theirs" else hostile
    project = ProjectFactory()
    client = login(npo_officer)
    response = client.get(_create_url(project), {"from": value})
    assert response.status_code == 404 and "Secret Indonesian Agency" not in response.content.decode()
    data = {**candidate(), "from": value, "reuse_cv": "on", **document_fields(["biodata", "endorsement"]), "submit": ""}
    assert client.post(_create_url(project), data).status_code == 404
    assert not Nomination.objects.filter(project=project).exists()


def test_an_officer_sees_no_history_of_another_economys_candidate(login, npo_officer, earlier):
    ours, theirs = earlier
    client = login(npo_officer)
    assert client.get(reverse("nominations:detail", args=[theirs.pk])).status_code == 404
    page = page_text(client.get(reverse("nominations:detail", args=[ours.pk])))
    assert "Chamari Jayasinghe's APO history" in page
    assert "25-CP-02-GE-DLN-A" not in page and "Secret Indonesian Agency" not in page


def test_the_nomination_page_shows_the_candidates_history(login, npo_officer, earlier):
    ours, _theirs = earlier
    now = ProjectFactory(code="26-CP-09-GE-DLN-A")
    nomination = NominationFactory(project=now, full_name=ours.full_name, email=ours.email)
    page = page_text(login(npo_officer).get(reverse("nominations:detail", args=[nomination.pk])))
    history = page[page.index("APO history") :]
    assert "25-CP-01-GE-DLN-A" in history and "APO-25-CP-01-001" in history
    assert "26-CP-09-GE-DLN-A" not in history.split("History")[0]  # the page's own nomination is not its history
    assert "25-CP-02-GE-DLN-A" not in page
