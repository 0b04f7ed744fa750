"""A real SMTP server on 127.0.0.1 (aiosmtpd, a free port) that the portal mails through,
and a fixed clock for the sender."""

import datetime
import email
import logging
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def received(self):
        """(recipient, subject) of every mail so far, in arrival order."""
        return [(to, message["Subject"]) for tos, message in self.messages for to in tos]

    def body_of(self, recipient, contains):
        for tos, message in self.messages:
            if recipient in tos and contains in message["Subject"]:
                return message.get_content().replace("\r\n", "\n")
        raise AssertionError(f"no mail to {recipient} about {contains!r}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_mailer(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp(settings):
    """The portal's mail goes to a local SMTP server started for the test."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailer(port)
    settings.PUBLIC_BASE_URL = "https://mttq.example.vn"
    inbox.port = port
    yield inbox
    controller.stop()


# 03/11/2026 10:00 in Việt Nam: October's report is due on 05/11 (two days left), September's
# was due on 05/10 (29 days ago, within the overdue lookback).
NOW = datetime.datetime(2026, 11, 3, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() answers a moment the test sets (NOW to begin with)."""

    class Clock:
        moment = NOW

        def set(self, moment):
            self.moment = moment

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.moment)
    return fixed
