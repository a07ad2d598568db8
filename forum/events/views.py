"""Event pages: a space's events, one event, organising it, registering, iCalendar files."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum import headers, identity, policy, zones
from forum.errors import DomainError
from forum.events import calendar, forms, queries, registrations, services
from forum.extensions import db
from forum.forms import confirm_form_for_viewer, confirmed, refuse
from forum.models import Event, PersonaKind, Space
from forum.pagination import page_number
from forum.policy import Action, get_event_or_404, get_space_or_404

bp = Blueprint("events", __name__)


def _kept_private(response, space: Space):
    """Signed-in pages may show the place or the viewer's pseudonym: kept in no cache. Pages of
    a closed space are kept in none either."""
    if current_user.is_authenticated:
        return headers.no_store(response)
    return headers.private_to_space(response, space)


def _respond(space: Space, template: str, status: int = 200, **context):
    response = make_response(render_template(template, space=space, **context), status)
    return _kept_private(response, space)


def _own_handles(space: Space) -> dict[PersonaKind, str | None]:
    handles = {}
    for kind in identity.allowed_kinds(space):
        persona = identity.find_persona(current_user, space, kind)
        handles[kind] = persona.handle if persona else None
    return handles


def _event_url(space: Space, event: Event) -> str:
    return url_for("events.event", slug=space.slug, public_id=event.public_id)


# Lists


@bp.route("/s/<slug>/events")
def upcoming(slug):
    space = get_space_or_404(current_user, slug, Action.READ_SPACE)
    page = queries.events_page(current_user, space, page_number())
    return _respond(space, "events/list.html", events=page, past=False)


@bp.route("/s/<slug>/events/past")
def past(slug):
    space = get_space_or_404(current_user, slug, Action.READ_SPACE)
    page = queries.events_page(current_user, space, page_number(), past=True)
    return _respond(space, "events/list.html", events=page, past=True)


# One event


def _event_page(space: Space, event: Event, status: int = 200, **forms_given):
    manages = policy.can(current_user, Action.MANAGE_EVENT, event)
    register_form = forms_given.get("register_form")
    if register_form is None and policy.can(current_user, Action.REGISTER_FOR_EVENT, event):
        register_form = forms.RegisterForm(formdata=None)
    if register_form is not None:
        register_form.offer_identities(space, _own_handles(space))
    return _respond(
        space,
        "events/event.html",
        status,
        event=event,
        organiser=queries.organiser_of(current_user, event),
        places_left=queries.places_left(event),
        own=queries.own_registration(current_user, event),
        attendees=queries.attendees_of(current_user, event) if manages else None,
        manages=manages,
        register_form=register_form,
        register_refusal=policy.check(current_user, Action.REGISTER_FOR_EVENT, event),
        decision_form=forms.DecisionForm(formdata=None) if manages else None,
        confirm_form=confirm_form_for_viewer(),
    )


@bp.route("/s/<slug>/events/<public_id:public_id>")
def event(slug, public_id):
    space = get_space_or_404(current_user, slug)
    return _event_page(space, get_event_or_404(current_user, space, public_id))


@bp.route("/s/<slug>/events/new", methods=["GET", "POST"])
@login_required
def new(slug):
    space = get_space_or_404(current_user, slug, Action.ADD_EVENT)
    form = forms.EventForm()
    form.offer_identities(space, _own_handles(space))
    if not form.is_submitted():
        form.time_zone.data = current_user.time_zone or "UTC"
    status = 200
    if form.validate_on_submit():
        try:
            made = services.add_event(
                current_user, space, kind=form.identity.data, **form.event_fields()
            )
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash("The event is added.", "success")
            return redirect(_event_url(space, made))
    elif form.is_submitted():
        status = 400
    return _respond(space, "events/form.html", status, form=form, event=None)


def _managed(slug: str, public_id: str) -> tuple[Space, Event]:
    space = get_space_or_404(current_user, slug)
    return space, get_event_or_404(current_user, space, public_id, Action.MANAGE_EVENT)


@bp.route("/s/<slug>/events/<public_id:public_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, public_id):
    space, event = _managed(slug, public_id)
    form = forms.EditEventForm(data=_form_data(event))
    status = 200
    if form.validate_on_submit():
        try:
            changed = services.edit_event(current_user, event, **form.event_fields())
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            told = " Its registrants are told." if changed else ""
            flash(f"The event is saved.{told}", "success")
            return redirect(_event_url(space, event))
    elif form.is_submitted():
        status = 400
    return _respond(space, "events/form.html", status, form=form, event=event)


def _form_data(event: Event) -> dict:
    """The event's details as its form shows them: times on the clocks of its zone."""
    return {
        "title": event.title,
        "description": event.description_source,
        "starts_at": zones.in_zone(event.starts_at, event.time_zone).replace(tzinfo=None),
        "ends_at": zones.in_zone(event.ends_at, event.time_zone).replace(tzinfo=None),
        "time_zone": event.time_zone,
        "format": str(event.format),
        "venue": event.venue or "",
        "meeting_url": event.meeting_url or "",
        "registration": str(event.registration),
        "capacity": event.capacity,
    }


@bp.route("/s/<slug>/events/<public_id:public_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug, public_id):
    space, event = _managed(slug, public_id)
    form = forms.CancelEventForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.cancel_event(current_user, event, form.reason.data)
        except DomainError as error:
            status = refuse(form, error)
        else:
            db.session.commit()
            flash("The event is cancelled, and its registrants are told.", "success")
            return redirect(_event_url(space, event))
    elif form.is_submitted():
        status = 400
    return _respond(space, "events/cancel.html", status, form=form, event=event)


# Registering


@bp.route("/s/<slug>/events/<public_id:public_id>/register", methods=["POST"])
@login_required
def register(slug, public_id):
    space = get_space_or_404(current_user, slug)
    event = get_event_or_404(current_user, space, public_id)
    form = forms.RegisterForm()
    form.offer_identities(space, _own_handles(space))
    if not form.validate_on_submit():
        return _event_page(space, event, 400, register_form=form)
    try:
        made = registrations.register(
            current_user, event, kind=form.identity.data, note=form.note.data or ""
        )
    except registrations.AlreadyRegistered as error:
        db.session.rollback()
        flash(error.message, "info")  # a double submit: the first one counted
        return redirect(_event_url(space, event))
    except DomainError as error:
        status = refuse(form, error)
        return _event_page(space, event, status, register_form=form)
    db.session.commit()
    accepted = made.status == "accepted"
    flash(
        "You are registered: the place is shown below."
        if accepted
        else "Your registration waits for an organiser: you are told when they decide.",
        "success",
    )
    return redirect(_event_url(space, event))


@bp.route("/s/<slug>/events/<public_id:public_id>/withdraw", methods=["POST"])
@login_required
def withdraw(slug, public_id):
    space = get_space_or_404(current_user, slug)
    event = get_event_or_404(current_user, space, public_id, Action.WITHDRAW_REGISTRATION)
    if not confirmed():
        abort(400)
    registrations.withdraw(current_user, event)
    db.session.commit()
    flash("Your registration is withdrawn.", "success")
    return redirect(_event_url(space, event))


@bp.route(
    "/s/<slug>/events/<public_id:public_id>/registrations/<int:registration_id>",
    methods=["POST"],
)
@login_required
def decide(slug, public_id, registration_id):
    space, event = _managed(slug, public_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        registrations.decide(
            current_user, event, registration_id, form.decision.data == "accept", form.message.data
        )
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(_event_url(space, event) + "#attendees")
    db.session.commit()
    flash("The registrant is told of your decision.", "success")
    return redirect(_event_url(space, event) + "#attendees")


# iCalendar


def _ics(space: Space, body: bytes, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _kept_private(response, space)


@bp.route("/s/<slug>/events/<public_id:public_id>.ics")
def event_ics(slug, public_id):
    space = get_space_or_404(current_user, slug)
    event = get_event_or_404(current_user, space, public_id)
    body = calendar.calendar_of(current_user, [event], space.slug, space.name)
    return _ics(space, body, f"event-{event.public_id}.ics")


@bp.route("/s/<slug>/events.ics")
def feed(slug):
    space = get_space_or_404(current_user, slug, Action.READ_SPACE)
    body = calendar.calendar_of(current_user, queries.feed_events(space), space.slug, space.name)
    return _ics(space, body, f"{space.slug}-events.ics")
