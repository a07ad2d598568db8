"""Notifications: what a person is told in the app, and their page."""
