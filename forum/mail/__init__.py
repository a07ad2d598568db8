"""Mail: notifications sent by e-mail (one each, or a daily digest), and unsubscribing."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Check the mail settings; register the unsubscribe page and `notifications send`."""
    from forum.mail import transport
    from forum.mail.cli import notifications_cli
    from forum.mail.views import bp

    transport.check_security(app.config["SMTP_SECURITY"])
    app.register_blueprint(bp)
    app.cli.add_command(notifications_cli)
