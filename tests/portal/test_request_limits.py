"""Request bodies: one larger than the largest legitimate upload is refused (413) before it is read, by its
Content-Length or, for a chunked body, by counting; and gunicorn, run as the Dockerfile runs it, keeps answering
while a few clients trickle their bodies."""

import http.client
import io
import json
import pathlib
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.urls import reverse

from tests.background.quick_start import quick_start_env
from tests.pages import page_text

MB = 1024 * 1024
ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def parsed(monkeypatch):
    """The bodies Django's form parser began to read (and would have spooled to disk)."""
    seen = []
    parse = multipartparser.MultiPartParser.parse

    def spy(self):
        seen.append(self._content_length)
        return parse(self)

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", spy)
    return seen


@pytest.mark.django_db
def test_a_body_larger_than_the_limit_is_refused_before_anything_reads_it(client, settings, tmp_path, parsed):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    assert settings.REQUEST_BODY_MAX_BYTES == 16 * MB  # above the largest legitimate upload, 3 documents of 5 MB
    response = client.post("/healthz", {"file": SimpleUploadedFile("big.bin", b"x" * (16 * MB))})
    assert response.status_code == 413
    assert "Too large to send" in page_text(response) and "16 MB in one go" in page_text(response)
    assert (parsed, list(tmp_path.iterdir())) == ([], [])


@pytest.mark.django_db
def test_the_largest_legitimate_upload_is_still_read(client, parsed):
    """A certificate's PDF to verify may be 10 MB: it reaches the form, which judges it."""
    response = client.post(
        reverse("certificates:verify_form"), {"pdf": SimpleUploadedFile("c.pdf", b"%" * (10 * MB + 1))}
    )
    assert "A certificate is far smaller than 10 MB: this is not one." in page_text(response)
    assert len(parsed) == 1


def _chunked(client, path, body: bytes):
    """`body` as a server that ends the stream with the body (gunicorn: wsgi.input_terminated) hands on a
    chunked request: no Content-Length."""
    return client.generic(
        "POST",
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True},
    )


@pytest.mark.django_db
def test_a_chunked_body_is_counted_refused_past_the_limit_and_read_under_it(client, settings, parsed):
    settings.REQUEST_BODY_MAX_BYTES = MB
    assert _chunked(client, "/healthz", b"a=" + b"x" * MB).status_code == 413
    response = _chunked(client, reverse("certificates:verify_form"), b"code=abcd-efgh-ijkl-mnop-qrst")
    found = reverse("certificates:verify", args=["ABCDEFGHIJKLMNOPQRST"])
    assert (response.status_code, response["Location"]) == (302, found)


# ------------------------------------------------------------------ gunicorn, as the Dockerfile runs it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dockerfile_command(port: int) -> list[str]:
    """The web process's command in the production image (its CMD), bound to `port` on 127.0.0.1."""
    cmd = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    argv = json.loads(cmd.removeprefix("CMD "))
    assert argv[0] == "gunicorn"
    return [sys.executable, "-m", "gunicorn", *(f"127.0.0.1:{port}" if a == "0.0.0.0:8000" else a for a in argv[1:])]


def _healthz(port: int, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture
def gunicorn(tmp_path):
    """The web process as the image starts it, with two workers (WEB_CONCURRENCY), the quick start's
    settings and a body limit of 1 MB; uploads would spool under tmp_path/uploads."""
    port, uploads = _free_port(), tmp_path / "uploads"
    uploads.mkdir()
    env = {
        **quick_start_env(tmp_path / "var"),
        "DEBUG": "false",
        "WEB_CONCURRENCY": "2",
        "REQUEST_BODY_MAX_BYTES": str(MB),
        "TMPDIR": str(uploads),
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        _dockerfile_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # until it answers
            try:
                if _healthz(port, timeout=2) == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.2)
        yield port, uploads
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.slow
def test_a_chunked_upload_past_the_limit_is_refused_by_gunicorn_and_nothing_reaches_the_disk(gunicorn):
    port, uploads = gunicorn
    boundary = "portal-test-boundary"

    def body():
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'.encode()
        for _ in range(24):  # 1.5 MB, past the limit of 1 MB
            yield b"x" * (64 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        "/healthz",
        body=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    assert (response.status, "Too large to send" in response.read().decode()) == (413, True)
    connection.close()
    assert list(uploads.iterdir()) == []


@pytest.mark.slow
def test_three_clients_trickling_their_bodies_do_not_stall_the_site(gunicorn):
    port, _ = gunicorn
    slow = []
    try:
        for _ in range(3):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            # Headers in full, then the first bytes of a body that never comes. With a CSRF cookie, Django reads
            # the body for the form's token (without one it would refuse at once, unread).
            sock.sendall(
                b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken=" + b"a" * 32 + b"\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\na="
            )
            slow.append(sock)
        # The three are connected and have sent their headers: the site answers another client all the same.
        assert _healthz(port, timeout=5) == 200
    finally:
        for sock in slow:
            sock.close()
