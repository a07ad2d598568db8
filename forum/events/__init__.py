"""Events: a space's meetings, online or in person, registration for them, iCalendar files."""

from flask import Flask


def init_app(app: Flask) -> None:
    from forum import zones
    from forum.events import reminders
    from forum.events.views import bp

    app.register_blueprint(bp)
    reminders.init_app(app)
    # Event times shown in a zone: `{{ event.starts_at|in_zone(zone)|to_the_minute }}`.
    app.jinja_env.filters["in_zone"] = zones.in_zone
