"""The README's first command, walked as a person trying the portal does: `PORT=... scripts/run` on a fresh
folder, then the portal's own 404 page, a certificate whose printed link and QR code point at the port
served, e-mail written to files rather than onto the console, and Ctrl-C stopping every process in
good order (nothing killed)."""

import os
import pathlib
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.background.quick_start import quick_start_env
from tests.pdfs import pdf_qr_codes, pdf_text

pytestmark = [pytest.mark.slow]
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except (OSError, sqlite3.Error):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{what} within {seconds} s")


def _rendered_pdf(var: pathlib.Path) -> pathlib.Path | None:
    with sqlite3.connect(var / "db.sqlite3", timeout=30) as connection:
        row = connection.execute("SELECT pdf FROM certificates_certificate WHERE render_status = 'rendered'").fetchone()
    return var / "private" / row[0] if row else None


def _printed_notification(var: pathlib.Path) -> pathlib.Path | None:
    with sqlite3.connect(var / "db.sqlite3", timeout=30) as connection:
        row = connection.execute("SELECT pdf FROM projects_notificationversion WHERE status = 'printed'").fetchone()
    return var / "private" / row[0] if row else None


def test_the_quick_start_serves_its_port_writes_mail_to_files_and_stops_on_ctrl_c(tmp_path):
    var, port = tmp_path / "var", _free_port()
    base = f"http://127.0.0.1:{port}"
    output = (tmp_path / "run.log").open("wb")
    run = subprocess.Popen(
        ["scripts/run"],
        cwd=ROOT,
        env={**quick_start_env(var), "PORT": str(port)},
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a process group of its own, as a terminal gives it
    )
    try:
        _wait_for(lambda: _get(f"{base}/healthz")[0] == 200, 300, "the portal answered")

        status, body = _get(f"{base}/no-such-page/")
        assert status == 404
        assert "Page not found" in body and "APO Portal" in body
        assert "URLconf" not in body  # Django's debug page, which lists every URL pattern

        pdf = _wait_for(lambda: _rendered_pdf(var), 180, "a demo certificate was rendered")
        text = pdf_text(pdf.read_bytes())
        assert f"Verify at 127.0.0.1:{port}/verify/" in text and "127.0.0.1:8000" not in text
        (code,) = pdf_qr_codes(pdf.read_bytes(), dpi=150)
        assert code.startswith(f"{base}/verify/")

        # The demo's announcements write their e-mails too: the certificate's is one among them.
        subject = b"Subject: Your APO certificate of attendance"
        mail = _wait_for(
            lambda: [m for m in sorted((var / "mail").glob("*.log")) if subject in m.read_bytes()],
            120,
            "a certificate's e-mail was written to var/mail",
        )
        assert subject in mail[0].read_bytes()
        assert f"{var}/mail/" in (tmp_path / "run.log").read_text()  # the start says where to read it

        # Publishing a demo project printed its notification on the PDF worker and told the NPOs.
        notification = _wait_for(lambda: _printed_notification(var), 180, "a demo project's notification was printed")
        text = pdf_text(notification.read_bytes())
        assert "ASIAN PRODUCTIVITY ORGANIZATION" in text and "1. Objectives" in text
        published = b"Subject: APO project notification: "
        _wait_for(
            lambda: any(published in m.read_bytes() for m in (var / "mail").glob("*.log")),
            120,
            "a publication e-mail was written to var/mail",
        )
    finally:
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C
        try:
            run.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            raise
        output.close()

    log = (tmp_path / "run.log").read_text(errors="replace")
    assert "SIGKILL" not in log  # honcho gave up waiting and killed a process
    assert "exited with 'signal" not in log  # a worker's task process was killed mid-task
    assert "Dear " not in log  # no e-mail printed on the console
    for name in ("web", "worker-pdf", "worker-mail", "beat"):
        assert f"{name}.1 stopped" in log, name
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
