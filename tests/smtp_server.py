"""A real SMTP server on the loopback address (aiosmtpd), answering as a test tells it to: 250, or a 4xx or
5xx refusal at MAIL FROM, RCPT TO or DATA. The portal sends to it through Django's SMTP backend, as in
production, so the errors the outbox sees are the ones smtplib raises for those answers.

    def test_x(smtp_server):
        smtp_server.answer(rcpt="550 5.1.1 <an@example.org>: Recipient address rejected: User unknown")
"""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

OK = "250 OK"


class Answers:
    """What the server answers, and what it received (accepted messages) and was asked (each MAIL FROM: one
    hand-over attempt)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.mail = self.rcpt = self.data = OK
        self.received: list[email.message.EmailMessage] = []
        self.attempts = 0

    def answer(self, *, mail: str = OK, rcpt: str = OK, data: str = OK) -> None:
        with self._lock:
            self.mail, self.rcpt, self.data = mail, rcpt, data

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self._lock:
            self.attempts += 1
            answer = self.mail
        if answer == OK:
            envelope.mail_from = address
        return answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt == OK:
            envelope.rcpt_tos.append(address)
        return self.rcpt

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            answer = self.data
            if answer == OK:
                self.received.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return answer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A local SMTP server the portal's mail goes to for this test (Django's SMTP backend, a 5 s timeout)."""
    answers = Answers()
    controller = Controller(answers, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield answers
    finally:
        controller.stop()
