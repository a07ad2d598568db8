"""Test support: an HTML form reader and the client that fills forms as a browser would."""
