"""The core models; importing this package registers every table with the metadata."""

from forum.models.user import User

__all__ = ["User"]
