"""A verifier takes a certificate's Open Badges credential from its verification page and checks it there: by
pasting the token and by uploading the file; a garbled paste is refused with a reason, and a credential whose
certificate is revoked afterwards reads as revoked."""

import pytest
from playwright.sync_api import expect

from certificates import services
from certificates.models import Certificate
from tests.browser.conftest import SCREENSHOTS
from tests.factories import SecretariatFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_verifier_downloads_the_credential_and_checks_it(live_server, page, finished_project, tmp_path):
    project, _, people = finished_project
    secretariat = SecretariatFactory()
    services.certificates_issue(actor=secretariat, project=project)
    Certificate.objects.update(render_status=Certificate.RenderStatus.RENDERED, sha256="0" * 64)
    minh = Certificate.objects.get(nomination=people["minh"])

    page.goto(f"{live_server.url}/verify/{minh.verification_code}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download its Open Badges 3.0 credential").click()
    download = download_info.value
    assert download.suggested_filename == f"{minh.serial}.jwt"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    token = saved.read_text()

    # pasted
    page.get_by_label("Paste the credential (VC-JWT)").fill(token)
    page.get_by_role("button", name="Check the credential").click()
    result = page.locator("section[aria-labelledby=credential-result]")
    expect(result.get_by_role("status")).to_have_text(
        f"Valid credential. Signed by the APO Portal, for certificate {minh.serial}, which is valid."
    )
    expect(result.get_by_role("list", name="What was checked")).to_contain_text("Revocation list: passed.")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "credential-checked.png"), full_page=True)

    # garbled: a reason, not a valid verdict
    page.get_by_label("Paste the credential (VC-JWT)").fill(token[:40] + "garbage" + token[47:])
    page.get_by_role("button", name="Check the credential").click()
    expect(result.get_by_role("status")).to_contain_text("Not a valid APO credential.")

    # uploaded, after the certificate was revoked
    services.certificate_revoke(actor=secretariat, certificate=minh, reason="Attendance recorded in error.")
    page.get_by_label("Paste the credential (VC-JWT)").fill("")
    page.get_by_label("…or upload its file (credential.jwt)").set_input_files(str(saved))
    page.get_by_role("button", name="Check the credential").click()
    expect(result.get_by_role("status")).to_contain_text(
        f"Revoked. The APO signed this credential, but revoked its certificate {minh.serial}"
    )
