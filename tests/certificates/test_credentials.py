"""Each certificate's Open Badges 3.0 credential (VC-JWT, Ed25519, did:web), the revocation list behind it,
the checker on the verification page, and LinkedIn's "Add to profile" link."""

import base64
import gzip
import json
import pathlib
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from joserfc import jws
from joserfc.jwk import OKPKey

from apo_portal.settings.keys import new_signing_key, signing_key_file
from certificates import credentials, services, signing
from certificates.models import STATUS_LIST_SIZE, Certificate
from tests.pages import page_text

SCHEMA = json.loads(
    (pathlib.Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_text()
)
DID = "did:web:portal.apo.test"  # the test settings' PORTAL_BASE_URL is https://portal.apo.test


@pytest.fixture
def issued(secretariat, finished_project):
    """Minh's and Rahul's certificates, issued and marked rendered (their PDFs play no part here)."""
    project, _, people = finished_project
    services.certificates_issue(actor=secretariat, project=project)
    Certificate.objects.update(render_status=Certificate.RenderStatus.RENDERED, sha256="0" * 64)
    return project, people, {c.nomination_id: c for c in Certificate.objects.select_related("project")}


def _published_key(client, kid: str) -> OKPKey:
    """The public key named `kid`, read from the DID document as any verifier reads it."""
    document = client.get("/.well-known/did.json").json()
    assert kid in document["assertionMethod"]
    [method] = [m for m in document["verificationMethod"] if m["id"] == kid]
    assert "d" not in method["publicKeyJwk"]  # never the private half
    return OKPKey.import_key(method["publicKeyJwk"])


def _decode(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return json.loads(base64.urlsafe_b64decode(pad(header))), json.loads(base64.urlsafe_b64decode(pad(payload)))


def _credential(client, certificate) -> str:
    response = client.get(reverse("certificates:credential", args=[certificate.verification_code]))
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def _status_bit(client, entry: dict) -> bool:
    """The bit of `entry` in the list it names, read from the signed list as a verifier reads it."""
    path = urlsplit(entry["statusListCredential"]).path
    response = client.get(path)
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=60"
    token = response.content.decode()
    header, _ = _decode(token)
    verified = jws.deserialize_compact(token, _published_key(client, header["kid"]), algorithms=["Ed25519"])
    status_list = json.loads(verified.payload)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["issuer"] == DID and status_list["id"] == entry["statusListCredential"]
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded[0] == "u"  # multibase base64url, no padding
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


@pytest.mark.django_db
def test_the_credential_verifies_with_the_key_the_did_document_publishes(client, issued):
    project, people, certificates = issued
    minh = certificates[people["minh"].pk]
    token = _credential(client, minh)
    header, _ = _decode(token)
    assert header == {"alg": "Ed25519", "kid": header["kid"], "typ": "JWT"}  # no other JOSE header (OB 3.0 §8.2)
    assert header["kid"].startswith(DID + "#")
    verified = jws.deserialize_compact(token, _published_key(client, header["kid"]), algorithms=["Ed25519"])
    credential = json.loads(verified.payload)
    document = client.get("/.well-known/did.json")
    assert document["Access-Control-Allow-Origin"] == "*" and document.json()["id"] == DID
    assert credential["iss"] == credential["issuer"]["id"] == DID
    assert credential["jti"] == credential["id"] == f"https://portal.apo.test/verify/{minh.verification_code}/"
    assert credential["sub"] == credential["credentialSubject"]["id"]
    # the same certificate and key give the same credential (Ed25519 is deterministic)
    assert _credential(client, minh) == token
    # another key does not verify it
    with pytest.raises(Exception, match="bad_signature"):
        jws.deserialize_compact(token, OKPKey.generate_key("Ed25519"), algorithms=["Ed25519"])


@pytest.mark.django_db
def test_the_credential_is_an_open_badge_of_the_project_that_names_the_holder(client, issued):
    project, people, certificates = issued
    rahul = certificates[people["rahul"].pk]
    _, credential = _decode(_credential(client, rahul))
    validator = jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(credential)] == []
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = credential["credentialSubject"]
    assert subject["name"] == "राजेश कुमार" == subject["identifier"][0]["identityHash"]
    assert subject["identifier"][0]["identityType"] == "name" and subject["identifier"][0]["hashed"] is False
    achievement = subject["achievement"]
    assert achievement["humanCode"] == "26-CP-41-GE-DLN-A"
    assert achievement["name"] == "Certificate of attendance: Productivity of the Public Sector"
    assert "workshop" in achievement["description"] and f"{project.start_date:%-d %B %Y}" in achievement["description"]
    assert "every session" in achievement["criteria"]["narrative"]
    # the sessions' first start and last end, in the project's zone (Colombo, +05:30)
    assert subject["activityStartDate"].endswith("T13:00:00+05:30")
    assert subject["activityEndDate"].endswith("T16:00:00+05:30")
    # the day of validFrom is the issue date printed on the PDF
    assert credential["validFrom"].startswith(rahul.issued_on.isoformat())
    assert credential["credentialStatus"] == {
        "id": f"https://portal.apo.test/credentials/status/1#{rahul.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(rahul.status_index),
        "statusListCredential": "https://portal.apo.test/credentials/status/1",
    }


@pytest.mark.django_db
def test_revoking_sets_the_certificates_bit_in_the_signed_list_and_nothing_else(client, issued, secretariat):
    _, people, certificates = issued
    minh, rahul = certificates[people["minh"].pk], certificates[people["rahul"].pk]
    entries = {}
    for who, certificate in (("minh", minh), ("rahul", rahul)):
        entries[who] = _decode(_credential(client, certificate))[1]["credentialStatus"]
    assert not _status_bit(client, entries["minh"]) and not _status_bit(client, entries["rahul"])

    services.certificate_revoke(actor=secretariat, certificate=minh, reason="Attendance recorded in error.")
    assert _status_bit(client, entries["minh"]) and not _status_bit(client, entries["rahul"])
    # a revoked certificate's credential is no longer handed out; the page says why
    gone = client.get(reverse("certificates:credential", args=[minh.verification_code]))
    assert gone.status_code == 410 and "its Open Badges credential is no longer issued" in page_text(gone)


@pytest.mark.django_db
def test_a_correction_revokes_the_old_entry_and_issues_a_new_credential(client, issued, secretariat):
    _, people, certificates = issued
    old = certificates[people["rahul"].pk]
    old_entry = _decode(_credential(client, old))[1]["credentialStatus"]
    new = services.certificate_reissue(
        actor=secretariat, certificate=old, reason="Name misspelt.", holder_name="Rajesh Kumar"
    )
    Certificate.objects.filter(pk=new.pk).update(render_status=Certificate.RenderStatus.RENDERED)
    _, credential = _decode(_credential(client, new))
    assert credential["credentialSubject"]["name"] == "Rajesh Kumar"
    assert credential["credentialStatus"]["statusListIndex"] != old_entry["statusListIndex"]
    assert _status_bit(client, old_entry) and not _status_bit(client, credential["credentialStatus"])
    # the holder is the same person: the subject's id does not change with the correction
    old_subject = credentials.credential_payload(Certificate.objects.get(pk=old.pk))["sub"]
    assert credential["sub"] == old_subject


@pytest.mark.django_db
def test_entries_are_drawn_at_random_unique_and_the_next_list_takes_over_when_one_is_full(issued, monkeypatch):
    used = set(Certificate.objects.values_list("status_index", flat=True))
    drawn = services._status_entries(2000)
    indices = [index for _, index in drawn]
    assert {number for number, _ in drawn} == {1}
    assert len(set(indices)) == 2000 and not used & set(indices)
    assert all(0 <= index < STATUS_LIST_SIZE for index in indices)
    assert indices != sorted(indices)  # not handed out in order
    # a list of 4 entries, 2 of them taken by Minh's and Rahul's certificates: 2 more fit, the rest go to list 2
    Certificate.objects.update(status_index=None)
    for i, certificate in enumerate(Certificate.objects.order_by("pk")):
        Certificate.objects.filter(pk=certificate.pk).update(status_index=i)
    monkeypatch.setattr(services, "STATUS_LIST_SIZE", 4)
    drawn = services._status_entries(3)
    assert sorted(index for number, index in drawn if number == 1) == [2, 3]
    assert [number for number, _ in drawn].count(2) == 1


# ---------------------------------------------------------------- the checker on the verification page


def _check(client, token: str = "", *, upload: bytes | None = None):
    data = {"token": token}
    if upload is not None:
        data["file"] = SimpleUploadedFile("credential.jwt", upload, content_type="application/jwt")
    return client.post(reverse("certificates:verify_credential"), data)


def _signed_by(key: OKPKey, payload: dict, *, kid: str, alg: str = "Ed25519") -> str:
    header = {"alg": alg, "kid": kid, "typ": "JWT"}
    return jws.serialize_compact(header, json.dumps(payload).encode(), key, algorithms=[alg])


@pytest.mark.django_db
def test_the_checker_accepts_the_portals_credential_pasted_or_uploaded(client, issued):
    _, people, certificates = issued
    minh = certificates[people["minh"].pk]
    token = _credential(client, minh)
    for response in (_check(client, token), _check(client, upload=token.encode())):
        text = page_text(response)
        assert response.status_code == 200
        assert f"Valid credential. Signed by the APO Portal, for certificate {minh.serial}, which is valid." in text
        assert "✓ Signature: passed." in text and "✓ Revocation list: passed." in text


@pytest.mark.django_db
def test_the_checker_says_what_is_wrong_with_bad_input_and_changes_nothing(client, issued, secretariat):
    _, people, certificates = issued
    minh, rahul = certificates[people["minh"].pk], certificates[people["rahul"].pk]
    token = _credential(client, minh)
    header, payload = _decode(token)
    stranger = OKPKey.generate_key("Ed25519")
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    tampered = dict(payload, credentialSubject={**payload["credentialSubject"], "name": "Someone Else"})
    tampered_token = ".".join(
        [
            token.split(".")[0],
            base64.urlsafe_b64encode(json.dumps(tampered).encode()).rstrip(b"=").decode(),
            token.split(".")[2],
        ]
    )
    cases = {
        "hello, this is my badge": "This is not a signed credential: a VC-JWT is three parts separated by dots",
        "a.b.c": "Its header is not readable: this is not a signed credential.",
        f"{none_header}.{token.split('.')[1]}.": "It carries no signature (alg 'none'): anyone could have written it.",
        _signed_by(stranger, payload, kid=header["kid"]): "Its signature does not match the APO Portal's key",
        _signed_by(
            stranger, payload, kid="did:web:badges.example#key-1"
        ): "names the signing key 'did:web:badges.example#key-1', which the APO Portal does not publish",
        tampered_token: "Its signature does not match the APO Portal's key",
        # signed by the portal's own key, yet not what the certificate says, or no certificate of ours
        signing.sign(tampered): f"It does not say what certificate {minh.serial} says",
        signing.sign(
            dict(
                payload,
                id="https://portal.apo.test/verify/AAAAAAAAAAAAAAAAAAAA/",
                jti="https://portal.apo.test/verify/AAAAAAAAAAAAAAAAAAAA/",
            )
        ): "It names no certificate the APO issued.",
        signing.sign(
            dict(payload, issuer={"id": "did:web:evil.example", "type": ["Profile"]})
        ): "It names 'did:web:evil.example' as issuer, not the APO Portal.",
    }
    for given, message in cases.items():
        response = _check(client, given)
        text = page_text(response)
        assert response.status_code == 200 and "Not a valid APO credential." in text and message in text, (
            given,
            text[:2000],
        )
        assert "Valid credential." not in text

    revoked_token = _credential(client, rahul)  # taken while valid, then revoked
    services.certificate_revoke(actor=secretariat, certificate=rahul, reason="Did not attend.")
    text = page_text(_check(client, revoked_token))
    assert f"Revoked. The APO signed this credential, but revoked its certificate {rahul.serial}" in text
    assert "✗ Revocation list: failed." in text

    assert "Paste a credential, or choose its file." in page_text(empty := _check(client, ""))
    assert empty.status_code == 400
    assert "far too long to be one" in page_text(too_long := _check(client, "x" * 70_000))
    assert too_long.status_code == 400
    assert "not a credential: a VC-JWT is plain text" in page_text(_check(client, upload="é".encode("latin-1")))
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1  # only the revocation above


@pytest.mark.django_db
def test_a_rotated_key_keeps_old_credentials_verifying_while_it_is_published(client, issued):
    _, people, certificates = issued
    minh = certificates[people["minh"].pk]
    old_token = _credential(client, minh)
    old_key = signing.published_keys()[0].key.as_dict(private=False)["x"]
    with override_settings(CREDENTIAL_SIGNING_KEY=new_signing_key(), CREDENTIAL_RETIRED_KEYS=[old_key]):
        document = client.get("/.well-known/did.json").json()
        assert len(document["assertionMethod"]) == 2
        new_token = _credential(client, minh)
        assert _decode(new_token)[0]["kid"] != _decode(old_token)[0]["kid"]
        assert "Valid credential." in page_text(_check(client, old_token))
        assert "Valid credential." in page_text(_check(client, new_token))
    with override_settings(CREDENTIAL_SIGNING_KEY=new_signing_key(), CREDENTIAL_RETIRED_KEYS=[]):
        assert "which the APO Portal does not publish" in page_text(_check(client, old_token))


@pytest.mark.django_db
def test_the_verification_page_offers_the_credential_of_a_valid_certificate_only(client, issued, secretariat):
    _, people, certificates = issued
    minh = certificates[people["minh"].pk]
    url = reverse("certificates:credential", args=[minh.verification_code])
    page = client.get(reverse("certificates:verify", args=[minh.verification_code])).content.decode()
    assert f'href="{url}"' in page and "Check an Open Badges credential" in page
    services.certificate_revoke(actor=secretariat, certificate=minh, reason="Error.")
    page = client.get(reverse("certificates:verify", args=[minh.verification_code])).content.decode()
    assert f'href="{url}"' not in page
    assert client.get(reverse("certificates:credential", args=["AAAAAAAAAAAAAAAAAAAA"])).status_code == 404
    assert client.get("/credentials/status/7").status_code == 404


# ---------------------------------------------------------------- LinkedIn, the participant's pages and e-mail


@pytest.mark.django_db
def test_the_linkedin_link_carries_the_certification(issued):
    _, people, certificates = issued
    minh = certificates[people["minh"].pk]
    url = urlsplit(credentials.linkedin_add_url(minh))
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qs(url.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Certificate of attendance: Productivity of the Public Sector"],
        "organizationName": ["Asian Productivity Organization"],
        "issueYear": [str(minh.issued_on.year)],
        "issueMonth": [str(minh.issued_on.month)],
        "certUrl": [f"https://portal.apo.test/verify/{minh.verification_code}/"],
        "certId": [minh.serial],
    }
    with override_settings(LINKEDIN_ORGANIZATION_ID="1234567"):
        query = parse_qs(urlsplit(credentials.linkedin_add_url(minh)).query)
    assert query["organizationId"] == ["1234567"] and "organizationName" not in query


@pytest.mark.django_db
def test_the_participants_pages_link_the_credential_and_linkedin(login, issued):
    project, people, certificates = issued
    minh = certificates[people["minh"].pk]
    client = login(people["minh"].participant)
    credential = reverse("certificates:credential", args=[minh.verification_code])
    linkedin = credentials.linkedin_add_url(minh).replace("&", "&amp;")
    for page in (reverse("home"), reverse("attendance:my_project", args=[project.code])):
        body = client.get(page).content.decode()
        assert f'href="{credential}"' in body and f'href="{linkedin}"' in body, page


@pytest.mark.django_db
def test_the_certificate_email_links_the_credential_and_linkedin(issued):
    from mail.models import OutgoingEmail

    _, people, certificates = issued
    minh = certificates[people["minh"].pk]
    Certificate.objects.filter(pk=minh.pk).update(render_status=Certificate.RenderStatus.PENDING)
    services.certificate_render(certificate_id=minh.pk)
    body = OutgoingEmail.objects.get(key=f"certificate:{minh.pk}").body
    assert f"https://portal.apo.test/verify/{minh.verification_code}/credential.jwt" in body
    assert credentials.linkedin_add_url(minh) in body


# ---------------------------------------------------------------- the key


def test_the_system_check_refuses_a_missing_or_malformed_key():
    from certificates.checks import credential_signing_key

    with override_settings(CREDENTIAL_SIGNING_KEY=""):
        assert [e.id for e in credential_signing_key()] == ["certificates.E001"]
    with override_settings(CREDENTIAL_SIGNING_KEY="not-a-key"):
        [error] = credential_signing_key()
        assert "is not an Ed25519 private key" in error.msg
    with override_settings(CREDENTIAL_SIGNING_KEY=new_signing_key(), CREDENTIAL_RETIRED_KEYS=["xyz"]):
        assert [e.id for e in credential_signing_key()] == ["certificates.E001"]
    with override_settings(CREDENTIAL_SIGNING_KEY=new_signing_key()):
        assert credential_signing_key() == []


def test_the_production_settings_refuse_to_start_without_the_key(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "apo_portal.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:5432/nothing",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=pathlib.Path(__file__).resolve().parents[2],
    )
    assert run.returncode != 0 and "Set the CREDENTIAL_SIGNING_KEY environment variable" in run.stderr


def test_the_quick_start_makes_its_key_once(tmp_path):
    path = tmp_path / "credential-signing-key"
    first = signing_key_file(path)
    assert len(base64.urlsafe_b64decode(first + "=")) == 32
    assert signing_key_file(path) == first and oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["credential-signing-key"]  # no draft left behind


@pytest.mark.django_db
def test_an_entry_taken_meanwhile_by_another_issue_is_drawn_again(issued, secretariat, monkeypatch):
    """Two projects issuing at the same moment may draw the same entry: the second insert is refused by the
    unique constraint, and that certificate draws another instead of failing the batch."""
    _, people, certificates = issued
    minh, rahul = certificates[people["minh"].pk], certificates[people["rahul"].pk]
    draws = iter([[(1, minh.status_index)], [(1, minh.status_index)], [(1, 77)]])
    monkeypatch.setattr(services, "_status_entries", lambda count: next(draws))
    new = services.certificate_reissue(actor=secretariat, certificate=rahul, reason="Name misspelt.")
    assert (new.status_list, new.status_index) == (1, 77)
    assert Certificate.objects.filter(status_index=minh.status_index).count() == 1
