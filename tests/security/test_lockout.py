"""The log-in lock-out cannot be sidestepped (issue 15, item 2): failures count per account, across every
address it is tried from and every spelling of its e-mail address, and per address, across every account
tried from it; each failure and each lock-out is in the audit log, saying what was locked."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD, NPOOfficerFactory, UserFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db
OFFICER = "officer@dap.edu.ph"
# Spellings of OFFICER that the one rule makes the same address: case, spaces around it, full-width letters
# and full stops (NFKC), and a domain in upper case.
SAME_ADDRESS = [
    "OFFICER@DAP.EDU.PH",
    "  officer@dap.edu.ph \t",
    "ｏｆｆｉｃｅｒ@ｄａｐ．ｅｄｕ．ｐｈ",
    "Officer@Dap.Edu.Ph",
    "ｏｆｆｉｃｅｒ＠dap.edu.ph",  # a full-width "@"
]


def _log_in(client, email, password, address="192.0.2.1"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def officer():
    return NPOOfficerFactory(email=OFFICER)


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30
    settings.TRUSTED_PROXY_COUNT = 0
    return settings


def test_wrong_passwords_from_many_addresses_lock_the_account_for_every_address(client, officer, limits):
    # The attack of the report: 32 wrong passwords for one officer from 8 addresses, then the right one.
    for n in range(32):
        _log_in(client, OFFICER, f"guess-{n}", address=f"198.51.100.{n % 8 + 1}")
    locked = _log_in(client, OFFICER, DEFAULT_PASSWORD, address="198.51.100.9")
    assert locked.status_code == 429
    assert "Too many wrong passwords were typed for this e-mail address" in page_text(locked)
    assert "_auth_user_id" not in client.session
    # Spread thinner (one failure per address) it still locks at the account's limit.
    AuditEntry.objects.all().delete()
    AccessAttempt.objects.all().delete()
    statuses = [_log_in(client, OFFICER, "guess", address=f"203.0.113.{n}").status_code for n in range(1, 6)]
    assert statuses == [200, 200, 200, 200, 429]
    assert _log_in(client, OFFICER, DEFAULT_PASSWORD, address="203.0.113.77").status_code == 429
    entry = AuditEntry.objects.filter(action="security.locked_out").earliest("created_at")
    assert (entry.target_repr, entry.changes["ip"], entry.changes["locked"]) == (OFFICER, "203.0.113.5", ["account"])


def test_every_spelling_of_the_address_shares_one_count(client, officer, limits):
    for spelling in SAME_ADDRESS[:4]:
        assert _log_in(client, spelling, "guess").status_code == 200
    assert _log_in(client, SAME_ADDRESS[4], "guess").status_code == 429
    for spelling in [OFFICER, *SAME_ADDRESS]:
        response = _log_in(client, spelling, DEFAULT_PASSWORD, address="198.51.100.200")
        assert response.status_code == 429 and "_auth_user_id" not in client.session
    tried = set(AuditEntry.objects.filter(action="security.login_failed").values_list("target_repr", flat=True))
    assert tried == {OFFICER}  # recorded as the one address the lock-out counts


@pytest.mark.parametrize(
    "look_alike",
    [
        "offıcer@dap.edu.ph",  # a dotless ı in the local part
        "officer@dap.edu.pһ",  # a Cyrillic һ in the domain
        "officer@xn--dap-edu-ph.example",
        "officer@dap.edu.ph.",
        "officer @dap.edu.ph",
        "оfficer@dap.edu.ph",  # a Cyrillic о
    ],
)
def test_a_look_alike_is_another_address_that_cannot_log_in_to_the_account(client, officer, limits, look_alike):
    response = _log_in(client, look_alike, DEFAULT_PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    # ... and its failures are not the account's: the account still logs in.
    assert _log_in(client, OFFICER, DEFAULT_PASSWORD, address="198.51.100.3").status_code == 302


def test_an_idna_domain_typed_in_unicode_or_punycode_is_one_account(client, limits):
    UserFactory(email="Ünal@bücher.example")  # stored as Ünal@xn--bcher-kva.example
    for spelling in [
        "Ünal@BÜCHER.example",
        "Ünal@xn--bcher-kva.example",
        "Ünal@XN--BCHER-KVA.EXAMPLE",
        "Ünal@büCher.example",
    ]:
        _log_in(client, spelling, "guess")
    assert _log_in(client, "Ünal@Bücher.Example", "guess").status_code == 429
    assert _log_in(client, "Ünal@bücher.example", DEFAULT_PASSWORD, address="192.0.2.50").status_code == 429


def test_failures_across_many_accounts_lock_the_address_for_every_account(client, officer, limits):
    limits.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    colleague = NPOOfficerFactory(email="colleague@dap.edu.ph")
    attacker = "203.0.113.66"
    # Three tries each at four accounts, some of which do not exist: never an account's five.
    names = ["a@dap.edu.ph", "b@dap.edu.ph", OFFICER, "nobody@example.org"]
    statuses = [_log_in(client, name, "guess", address=attacker).status_code for name in names for _ in range(3)]
    assert statuses == [200] * 11 + [429]
    locked = _log_in(client, colleague.email, DEFAULT_PASSWORD, address=attacker)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert "Too many wrong passwords were typed from your internet connection" in page_text(locked)
    entry = AuditEntry.objects.filter(action="security.locked_out").earliest("created_at")
    assert (entry.target_repr, entry.changes["locked"]) == ("nobody@example.org", ["address"])
    assert entry.changes["ip"] == attacker
    # The accounts themselves are not locked: from elsewhere they log in.
    assert _log_in(client, colleague.email, DEFAULT_PASSWORD, address="198.51.100.20").status_code == 302


def test_an_address_is_allowed_more_failures_than_an_account(client, limits):
    # An office behind one address: thirty officers mistyping once each, and all still log in.
    office = "192.0.2.200"
    officers = [NPOOfficerFactory(email=f"officer{n}@npo.example") for n in range(29)]
    for user in officers:
        assert _log_in(client, user.email, "typo", address=office).status_code == 200
    assert _log_in(client, officers[0].email, DEFAULT_PASSWORD, address=office).status_code == 302


def test_logging_in_to_ones_own_account_does_not_clear_the_addresss_count(client, officer, limits):
    limits.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    mine = NPOOfficerFactory(email="attacker@npo.example")
    attacker = "203.0.113.9"
    for round_ in range(2):
        for victim in ["v1@npo.example", "v2@npo.example", "v3@npo.example"]:
            _log_in(client, victim, f"guess-{round_}", address=attacker)
        if round_ == 0:
            assert _log_in(client, mine.email, DEFAULT_PASSWORD, address=attacker).status_code == 302
            client.logout()
    assert _log_in(client, OFFICER, DEFAULT_PASSWORD, address=attacker).status_code == 429


def test_a_successful_log_in_clears_the_accounts_count(client, officer, limits):
    for address in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]:
        _log_in(client, OFFICER, "guess", address=address)
    assert _log_in(client, OFFICER.upper(), DEFAULT_PASSWORD, address="192.0.2.5").status_code == 302
    client.logout()
    assert _log_in(client, OFFICER, "guess", address="192.0.2.6").status_code == 200  # one failure, not five


def test_each_failure_is_audited_with_the_normalized_account_and_the_address(client, officer, limits):
    _log_in(client, "  OFFICER@dap.EDU.ph ", "guess", address="198.51.100.44")
    entry = AuditEntry.objects.get(action="security.login_failed")
    assert (entry.target_repr, entry.changes["ip"]) == (OFFICER, "198.51.100.44")
    assert "guess" not in str(entry.changes)


def test_the_lock_out_page_reads_the_same_whether_or_not_the_address_has_an_account(client, officer, limits):
    pages = []
    for email in [OFFICER, "nobody@dap.edu.ph"]:
        for _ in range(5):
            response = _log_in(client, email, "guess", address="198.51.100.60" if email == OFFICER else "198.51.100.61")
        pages.append(page_text(response).replace(email, "EMAIL"))
    assert pages[0] == pages[1]
    assert "15 minutes" in pages[0] and "reset your password" in pages[0]
