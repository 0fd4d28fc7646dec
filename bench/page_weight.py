"""Page weight: the bytes a browser transfers for each main page of each role, cold and warm (issue 17, item 7).

    .venv/bin/python -m bench.page_weight            # about a minute; writes its section of bench/RESULTS.md
    .venv/bin/python -m bench.page_weight --no-write # print only

The portal as production serves it: static files collected by `CompressedManifestStaticFilesStorage` (hashed
names, gzip and Brotli copies) and served by WhiteNoise, pages compressed by TextGZipMiddleware; Django's
threaded test server in this process, on a scratch SQLite database in a temporary folder with the demo-like
data of tests/browser/pages.py. Headless Chromium (Playwright, Debian's /usr/bin/chromium) loads each page
with an empty cache (cold: a first visit), then again (warm: a repeat visit), and the bytes are the sum of
`encodedDataLength` of the Chrome DevTools Protocol's `Network.loadingFinished` events: what came over the
wire, headers included. Targets: cold at most 120 KiB, warm at most 15 KiB.

The same functions measure the ceilings in tests/browser/test_page_weight.py.
"""

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

COLD_LIMIT = 120 * 1024
WARM_LIMIT = 15 * 1024
# Files that no page loads, left out of the collection so that it takes seconds, not half a minute: the
# admin's, and the other builds of the npm packages (ES modules, CommonJS, unminified, types, extensions).
IGNORE = [
    "admin",
    "*.ts",
    "*.cjs",
    "*.cjs.js",
    "*.esm*",
    "*.amd.js",
    "ext",
    "bootstrap*",
    "chunks",
    "helpers*",
    "chart.js",
    "chart.js.map",
    "chart.umd.js",
    "chart.umd.js.map",
    "htmx.js",
]


@contextlib.contextmanager
def production_static(root: Path):
    """Django's settings as production's for static files, on files collected into `root`."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STATIC_ROOT=str(root), STORAGES=storages, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False
    ):
        if not (root / "staticfiles.json").exists():
            call_command("collectstatic", "--noinput", verbosity=0, ignore_patterns=IGNORE)
        yield


@contextlib.contextmanager
def server(connections_override: dict | None = None):
    """Django's threaded test server with the portal's WSGI stack alone (WhiteNoise serves /static/, as in
    production, not the test server's static handler). Yields its base URL."""
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("localhost", static_handler=lambda app: app, connections_override=connections_override)
    thread.daemon = True
    for connection in (connections_override or {}).values():
        connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        for connection in (connections_override or {}).values():
            connection.dec_thread_sharing()


def session_cookies(user, base: str) -> list[dict]:
    """The cookie of a signed-in session for `user` (none for an anonymous visitor)."""
    from django.conf import settings
    from django.test import Client

    if user is None:
        return []
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base}]


def _visit(page, url: str) -> tuple[int, int, int]:
    """(status, bytes over the wire, requests) of one navigation and everything it loads."""
    cdp = page.context.new_cdp_session(page)
    sizes = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    cdp.send("Network.enable")
    response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return response.status, int(sum(sizes.values())), sum(1 for size in sizes.values() if size)


def weigh(browser, base: str, path: str, cookies: list[dict]) -> dict:
    """A cold visit (a new browser profile: empty cache), then a warm one (the same page again)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        page.set_default_timeout(30_000)
        status, cold, cold_requests = _visit(page, base + path)
        _, warm, warm_requests = _visit(page, base + path)
    finally:
        context.close()
    return {
        "status": status,
        "cold": cold,
        "warm": warm,
        "cold_requests": cold_requests,
        "warm_requests": warm_requests,
    }


def _kib(n: int) -> str:
    return f"{n / 1024:.1f}"


def report(rows: list[tuple[str, str, dict]], argv: list[str]) -> str:
    from bench import results

    lines = [
        "## Page weight",
        "",
        f"{results.context(results.machine(), os.getloadavg()[0])}; {results.describe_code()}. The command:",
        "",
        f"    {results.command('bench.page_weight', argv)}",
        "",
        "Bytes over the wire (headers included) per page in headless Chromium, production's static files "
        "(hashed names, gzip/Brotli, WhiteNoise) and compressed pages; cold: an empty cache, warm: the same "
        f"page again. Targets: cold ≤ {_kib(COLD_LIMIT)} KiB, warm ≤ {_kib(WARM_LIMIT)} KiB.",
        "",
        "| role | page | cold KiB | requests | warm KiB | requests |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for role, path, weight in rows:
        lines.append(
            f"| {role} | `{path}` | {_kib(weight['cold'])} | {weight['cold_requests']} | {_kib(weight['warm'])} "
            f"| {weight['warm_requests']} |"
        )
    worst_cold = max(rows, key=lambda row: row[2]["cold"])
    worst_warm = max(rows, key=lambda row: row[2]["warm"])
    met = worst_cold[2]["cold"] <= COLD_LIMIT and worst_warm[2]["warm"] <= WARM_LIMIT
    lines += [
        "",
        f"Heaviest cold: `{worst_cold[1]}` ({worst_cold[0]}), {_kib(worst_cold[2]['cold'])} KiB; heaviest warm: "
        f"`{worst_warm[1]}` ({worst_warm[0]}), {_kib(worst_warm[2]['warm'])} KiB. "
        f"The targets are **{'met' if met else 'not met'}**.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    from bench import results

    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__.split("\n\n")[0])
    results.add_arguments(parser)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="apo-weight-") as scratch:
        scratch = Path(scratch)
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'db.sqlite3'}"
        os.environ["PORTAL_VAR_DIR"] = str(scratch / "var")
        os.environ["PRIVATE_MEDIA_ROOT"] = str(scratch / "private")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM between Playwright's sync calls
        import django

        django.setup()
        from django.core.management import call_command
        from playwright.sync_api import sync_playwright

        from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
        from tests.browser.pages import ANONYMOUS, build_world

        call_command("migrate", verbosity=0)
        world = build_world()
        rows = []
        with production_static(scratch / "static"), server() as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for role, _name, path in world.pages():
                user = None if role == ANONYMOUS else world.users[role]
                weight = weigh(browser, base, path, session_cookies(user, base))
                if weight["status"] != 200:
                    raise SystemExit(f"{role} {path}: status {weight['status']}")
                print(f"{role:12} {path:60} cold {_kib(weight['cold']):>6} KiB  warm {_kib(weight['warm']):>5} KiB")
                rows.append((role, path, weight))
            browser.close()
    results.publish(report(rows, argv), args)


if __name__ == "__main__":
    main(sys.argv[1:])
