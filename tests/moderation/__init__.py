"""Tests of the space staff pages: members, requests, invitations and settings."""
