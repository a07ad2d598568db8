"""A real SMTP server on loopback (aiosmtpd) that keeps what it is sent, or refuses on cue."""

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from bench.servers import free_port

# What the server answers to refuse a recipient, and to go away in the middle of a message.
REFUSED = "550 5.1.1 No such mailbox here"
CLOSING = "421 4.3.2 Going away"


@dataclass
class Received:
    """One message as the server took it: the envelope, and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.recipients[0]

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def text(self) -> str:
        """Every header and the body, decoded (quoted-printable would split words), to search
        for what must not be there."""
        headers = "\n".join(f"{name}: {value}" for name, value in self.message.items())
        return f"{headers}\n\n{self.body}"


@dataclass
class Mailbox:
    """The server's handler: it accepts every message, except for the addresses told to
    refuse (at RCPT) or to drop the connection (at DATA)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    close_on: set[str] = field(default_factory=set)
    port: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return REFUSED
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.close_on & set(envelope.rcpt_tos):
            return CLOSING
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if address in mail.recipients]

    def clear(self) -> None:
        self.received.clear()
        self.refuse.clear()
        self.close_on.clear()


def start_server(mailbox: Mailbox) -> Controller:
    """Serve the mailbox on a free loopback port, in a thread of its own."""
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    return controller
