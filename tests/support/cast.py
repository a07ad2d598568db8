"""The people of a test's world by name, each with a client signed in as them on first use."""

from dataclasses import dataclass, field

from flask import Flask

from forum.models import User
from tests import factories
from tests.support.client import Client


@dataclass
class Cast:
    app: Flask
    people: dict[str, User] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        """A client signed in as `who` ("visitor" is signed out), kept for the world's life."""
        if who not in self.clients:
            self.clients[who] = (
                self.app.test_client()
                if who == "visitor"
                else factories.sign_in(self.app, self.people[who])
            )
        return self.clients[who]
