"""A first visit to a page transfers at most 120 KiB, a repeat visit at most 15 KiB (issue 17, item 7).

Measured as bench/page_weight.py measures every main page: production's static files (hashed names, gzip and
Brotli, WhiteNoise), in headless Chromium, bytes over the wire from the DevTools protocol's network events."""

import pytest
from django.db import connections

from bench.page_weight import COLD_LIMIT, WARM_LIMIT, production_static, server, session_cookies, weigh
from tests.browser.pages import ANONYMOUS, NPO, SECRETARIAT, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The login page, a plain page, forms, the heaviest table with htmx, and the one page with charts.
PAGES = [
    (ANONYMOUS, "accounts:login", None),
    (ANONYMOUS, "projects:catalogue", None),
    (NPO, "home", None),
    (NPO, "nominations:create", "open"),
    (SECRETARIAT, "attendance:register", "finished"),
    (SECRETARIAT, "reports:dashboard", None),
]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


def test_cold_and_warm_visits_stay_under_their_ceilings(browser, collected):
    world = build_world()
    in_memory = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    heavy = []
    with production_static(collected), server(in_memory) as base:
        for role, name, key in PAGES:
            path = world.url(name, key)
            weight = weigh(browser, base, path, session_cookies(world.users.get(role), base))
            assert weight["status"] == 200, f"{role} {path}: {weight['status']}"
            assert weight["cold_requests"] >= 3, f"{role} {path}: the page's CSS and JS did not load"
            if weight["cold"] > COLD_LIMIT or weight["warm"] > WARM_LIMIT:
                heavy.append(f"{role} {path}: cold {weight['cold']} B, warm {weight['warm']} B")
    assert not heavy, f"over {COLD_LIMIT} B cold or {WARM_LIMIT} B warm:\n" + "\n".join(heavy)
