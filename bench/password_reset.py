"""Password reset: how long the page takes for an address with an account and for one without.

    .venv/bin/python -m bench.password_reset [--requests 300] [--database-url postgres://postgres@127.0.0.1:5432/]
                                             [--write] [--results PATH]

In a scratch PostgreSQL database (`bench/scratch.py`), with `bench.settings` (locmem mail, memory broker),
one account is created; then the portal's reset view (`accounts.views.password_reset`) and, for comparison,
Django's own `PasswordResetView` (what the portal used before: it sends the e-mail in the request, here to a
file as in the quick start) are asked for the account's address and for an address with no account,
alternating, each view called straight (no middleware) and timed from the call to its answer. Between
requests (not timed) the outbox row is marked sent, so that each timed request writes its row again, as a
later real request would. The throttles are set out of reach.
Prints the median and the range of each as the "## Password reset" section of bench/RESULTS.md
(bench/results.py), and writes it there only with --write; nothing asserts a timing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

from bench.results import add_arguments, context, machine, postgres, publish
from bench.results import command as command_line
from bench.scratch import add_database_argument, scratch_database, server_url, start_django

SECTION = "## Password reset"

ACCOUNT = "bench.officer@example.org"
NOBODY = "nobody.at.all@example.org"


def _row(path: str, address: str, timings: list[float]) -> str:
    ms = sorted(t * 1000 for t in timings)
    return (
        f"| {path} | {address} | {statistics.median(ms):.2f} | {ms[len(ms) // 10]:.2f} | {ms[len(ms) * 9 // 10]:.2f}"
        f" | {ms[0]:.2f} | {ms[-1]:.2f} |"
    )


def report(args, command: str, timings: dict) -> str:
    lines = [
        SECTION,
        "",
        f"{context(machine(postgres()), args.load)}. The command:",
        "",
        f"    {command}",
        "",
        f"{args.requests} timed requests for each address and view, alternating, each view called without the"
        " middleware.",
        "",
        "| view | address | median ms | p10 ms | p90 ms | min ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (path, address), values in timings.items():
        lines.append(_row(path, "an account" if address == ACCOUNT else "no account", values))
    lines += ["", "The portal's two medians should be equal; Django's differ by the e-mail it sends for the account."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.password_reset", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per address and path")
    add_database_argument(parser)
    add_arguments(parser, write=False)
    args = parser.parse_args(argv)
    args.load = os.getloadavg()[0]
    command = command_line("bench.password_reset", sys.argv[1:] if argv is None else argv)
    with scratch_database(server_url(args.database_url)) as database_url, tempfile.TemporaryDirectory() as mail_folder:
        start_django(
            database_url,
            CONN_MAX_AGE="60",
            CELERY_BROKER_URL="memory://",
            PASSWORD_RESET_ADDRESS_RATE="1000000/h",
            PASSWORD_RESET_CLIENT_RATE="1000000/h",
        )

        from django.conf import settings
        from django.contrib.auth.views import PasswordResetView
        from django.test import RequestFactory

        from accounts.models import User
        from accounts.views import password_reset
        from mail.models import OutgoingEmail

        User.objects.create_user(ACCOUNT, "not-used-here-2026", full_name="Bench Officer")
        # As the quick start sends mail: a file per message (Django's view sends in the request).
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = mail_folder
        factory = RequestFactory(HTTP_HOST="localhost")
        django_view = PasswordResetView.as_view(success_url="/accounts/password/reset/sent/")

        def call(view, address):
            # Each view called straight, without the middleware, so that only the views differ.
            request = factory.post("/accounts/password/reset/", {"email": address})
            request._dont_enforce_csrf_checks = True
            return view(request)

        def portal(address):
            return call(password_reset, address)

        def django_own(address):
            return call(django_view, address)

        paths = {"portal": portal, "Django's PasswordResetView": django_own}
        timings = {(path, address): [] for path in paths for address in (ACCOUNT, NOBODY)}
        for warm_up in range(20):
            for view in paths.values():
                view(ACCOUNT if warm_up % 2 else NOBODY)
        for n in range(args.requests):
            order = [ACCOUNT, NOBODY] if n % 2 else [NOBODY, ACCOUNT]
            for path, view in paths.items():
                for address in order:
                    OutgoingEmail.objects.update(status=OutgoingEmail.Status.SENT)
                    started = time.perf_counter()
                    response = view(address)
                    timings[(path, address)].append(time.perf_counter() - started)
                    assert response.status_code == 302, response.status_code
        section = report(args, command, timings)
    publish(section, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
