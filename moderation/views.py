"""Space staff pages: members, join requests, invitations and settings."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
