"""Behind a reverse proxy every throttle, the lock-out and the audit log count the client, not the proxy; a
client's own X-Forwarded-For or X-Forwarded-Proto is never believed (issue 15, item 3)."""

import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEntry
from common.client import client_ip

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.5"
COLLEAGUE = "198.51.100.7"
UNKNOWN_CODE = "AAAABBBBCCCCDDDDEEEE"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def _through_proxy(client, url, forwarded_for, **extra):
    """A GET as the proxy passes it on: from the proxy's address, with the hops it appended."""
    return client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for, **extra)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_one_client_exhausting_verification_leaves_the_others_their_look_ups(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CERTIFICATE_VERIFY_RATE = "3/d"  # a minute's fixed window could end between the look-ups
    url = reverse("certificates:verify", args=[UNKNOWN_CODE])
    # The attacker also sends a made-up X-Forwarded-For of their own, new each time: the proxy appends the
    # address it saw, and only that one counts.
    attacker = [_through_proxy(client, url, f"192.0.2.{n}, {ATTACKER}").status_code for n in range(5)]
    assert attacker == [404, 404, 404, 429, 429]
    assert _through_proxy(client, url, COLLEAGUE).status_code == 404  # looked up, not throttled


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_throttle(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.CERTIFICATE_VERIFY_RATE = "3/d"  # a minute's fixed window could end between the look-ups
    url = reverse("certificates:verify", args=[UNKNOWN_CODE])
    statuses = [
        client.get(url, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)
    ]
    assert statuses == [404, 404, 404, 429]


@pytest.mark.django_db
def test_failed_logins_through_the_proxy_are_counted_and_audited_with_the_clients_address(
    client, npo_officer, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("accounts:login"),
        {"username": npo_officer.email, "password": "guess"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ATTACKER}",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]
    assert AuditEntry.objects.get(action="security.login_failed").changes["ip"] == ATTACKER


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "1.2.3.4", "203.0.113.5"),  # no proxy: the header is the client's own words
        (1, PROXY, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the address the proxy appended
        (2, PROXY, "1.2.3.4, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # two proxies: the outer one's
        (2, PROXY, "203.0.113.5", PROXY),  # fewer hops than proxies: nothing is vouched for
        (1, PROXY, "", PROXY),  # reached the server directly
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(("trusted", "expected"), [("", "None"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')")])
def test_production_believes_x_forwarded_proto_only_from_a_trusted_proxy(tmp_path, trusted, expected):
    env = {
        "DJANGO_SETTINGS_MODULE": "apo_portal.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "portal.example.org",
        "CREDENTIAL_SIGNING_KEY": "dGVzdC1vbmx5LWNyZWRlbnRpYWwtc2lnbmluZy1rZXk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORTAL_VAR_DIR": str(tmp_path),
        "TRUSTED_PROXIES": trusted,
        "PATH": "/usr/bin:/bin",
    }
    code = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected
