"""Command line for operators and scripts: `users …`, `spaces …`, `seed-demo`, `backup`."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from forum import demo, labels, policy
from forum.accounts import services
from forum.admin import services as admin_services
from forum.backup import backup_command
from forum.errors import DomainError
from forum.extensions import db
from forum.models import (
    IdentityMode,
    JoinPolicy,
    Premoderation,
    Role,
    Space,
    User,
    Visibility,
)
from forum.models.types import utcnow
from forum.spaces.loosening import apply_due_changes
from forum.spaces.membership import add_member as add_member_to_space
from forum.spaces.settings import SpaceSettings

users_cli = AppGroup("users", help="Create accounts and manage verified labels.")
labels_cli = AppGroup("labels", help="Keep the list of verified labels.")
spaces_cli = AppGroup("spaces", help="Create spaces, add people to them, apply announced changes.")

CLI_NOTE = "command line"


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(labels_cli)
    app.cli.add_command(spaces_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup_command)


def _choice(enum) -> click.Choice:
    return click.Choice([member.value for member in enum])


def _find_user(name: str) -> User:
    user = services.find_user(name)
    if user is None:
        raise click.ClickException(f"No user named {name!r}.")
    return user


def _find_space(slug: str) -> Space:
    space = db.session.scalar(select(Space).where(Space.slug == slug.strip().lower()))
    if space is None:
        raise click.ClickException(f"No space at /s/{slug}.")
    return space


# Users


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="Make the account a site admin.")
@click.option("--label", help='A verified practitioner label, e.g. "Police officer".')
@click.option("--email", help="An optional e-mail address.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(name, admin, label, email, password_stdin):
    """Create an account and print its id."""
    try:
        label = labels.resolve_label(label)
    except DomainError as error:
        raise click.ClickException(f"{error} Add it first with `labels add`.") from None
    password = _read_password(password_stdin)
    try:
        account = services.register_user(name, password, email=email, is_admin=admin)
        if label:
            # Through the service, so the grant is in the log like any other.
            admin_services.set_label(None, account.user, label, note=CLI_NOTE)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created user {account.user.username} with id {account.user.id}.")
    click.echo(f"Recovery code (shown once): {account.recovery_code}")


@users_cli.command("set-label")
@click.argument("name")
@click.argument("label", required=False)
@click.option("--clear", is_flag=True, help="Revoke the user's label.")
def set_label(name, label, clear):
    """Grant a verified label to a user, or revoke it with --clear; the change is logged."""
    if clear == bool(label):
        raise click.UsageError("Give either a LABEL or --clear.")
    user = _find_user(name)
    before = user.label
    try:
        admin_services.set_label(None, user, None if clear else label, note=CLI_NOTE)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    if user.label == before:
        click.echo(f"{user.username}'s label is unchanged ({before or 'none'}).")
    elif clear:
        click.echo(f"Revoked the label {before!r} of {user.username}.")
    else:
        click.echo(f"{user.username} now holds the label {user.label!r}.")


# Labels


@labels_cli.command("add")
@click.argument("name")
def add_label(name):
    """Put a verified label on the list that accounts may hold and spaces may require."""
    try:
        label = admin_services.add_label(None, name)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Added the label {label.name!r}.")


@labels_cli.command("list")
def list_labels():
    """Print the verified labels on the list, one a line."""
    for label in labels.all_labels():
        click.echo(label.name)


# Spaces


@spaces_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The space's name, as shown in the directory.")
@click.option("--description", default="", help="One or two sentences about the space.")
@click.option(
    "--rules-file",
    type=click.File("r", encoding="utf-8"),
    help="A Markdown file with the space's rules ('-' reads standard input).",
)
@click.option("--visibility", type=_choice(Visibility), default=Visibility.PUBLIC.value)
@click.option(
    "--join",
    "join_policy",
    type=_choice(JoinPolicy),
    help="How people join [default: open; invite for a hidden space].",
)
@click.option("--identity", type=_choice(IdentityMode), default=IdentityMode.CHOICE.value)
@click.option("--label", help="Only people holding this verified label may join.")
@click.option("--premoderation", type=_choice(Premoderation), default=Premoderation.OFF.value)
@click.option("--slow-mode", type=int, default=0, metavar="SECONDS", help="0 turns it off.")
@click.option(
    "--flag-threshold", type=int, default=3, help="Flags from this many members hide a post."
)
@click.option("--owner", metavar="USERNAME", help="Make this account the space's owner.")
def create_space(
    slug,
    name,
    description,
    rules_file,
    visibility,
    join_policy,
    identity,
    label,
    premoderation,
    slow_mode,
    flag_threshold,
    owner,
):
    """Create a space at /s/SLUG."""
    visibility = Visibility(visibility)
    if join_policy is None:
        join_policy = JoinPolicy.INVITE if visibility == Visibility.HIDDEN else JoinPolicy.OPEN
    owner_user = _find_user(owner) if owner else None
    settings = SpaceSettings(
        name=name,
        description=description,
        rules=rules_file.read() if rules_file else "",
        visibility=visibility,
        join_policy=JoinPolicy(join_policy),
        required_label=label,
        identity_mode=IdentityMode(identity),
        premoderation=Premoderation(premoderation),
        slow_mode_seconds=slow_mode,
        flag_hide_threshold=flag_threshold,
    )
    try:
        space = admin_services.create_space(None, slug, settings, owner=owner_user)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created space {space.name!r} at /s/{space.slug} with id {space.id}.")
    click.echo(f"  {describe_space(space)}")
    if owner_user:
        click.echo(f"  Owner: {owner_user.username}.")
    else:
        click.echo("  It has no owner yet: add one with `spaces add-member SLUG NAME --role owner`")


def describe_space(space: Space) -> str:
    """The space's settings in one line, for operators."""
    parts = [
        f"visibility {space.visibility}",
        f"join {space.join_policy}",
        f"identity {space.identity_mode}",
        f"pre-moderation {space.premoderation}",
    ]
    if space.required_label:
        parts.append(f"label {space.required_label!r} required")
    if space.slow_mode_seconds:
        parts.append(f"slow mode {space.slow_mode_seconds}s")
    return ", ".join(parts)


@spaces_cli.command("add-member")
@click.argument("slug")
@click.argument("name")
@click.option("--role", type=_choice(Role), default=Role.MEMBER.value, show_default=True)
def add_member(slug, name, role):
    """Add NAME to the space at /s/SLUG, with its current rules counted as accepted."""
    space = _find_space(slug)
    user = _find_user(name)
    before = policy.active_membership(user, space)
    was_role = before.role if before else None
    try:
        membership = add_member_to_space(space, user, Role(role))
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    where = f"{space.name} (/s/{space.slug})"
    if was_role is None:
        click.echo(f"Added {user.username} to {where} as {membership.role}.")
    elif was_role == membership.role:
        click.echo(f"{user.username} is already a {membership.role} of {where}.")
    else:
        click.echo(f"{user.username} is now a {membership.role} of {where}.")


@spaces_cli.command("apply-due")
def apply_due():
    """Apply the announced changes of space settings whose date has come (for cron or a timer)."""
    applied = apply_due_changes(utcnow())
    for line in applied:
        click.echo(f"Applied: {line}")
    click.echo(f"{len(applied)} scheduled change{'' if len(applied) == 1 else 's'} applied.")


# Demo


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo(if_empty):
    """Fill the database with demo accounts and spaces, and print how to sign in as each."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo(demo.already_seeded_message())
        return
    try:
        made = demo.seed()
    except DomainError as error:
        raise click.ClickException(f"Could not seed the demo: {error}") from None
    db.session.commit()
    click.echo("Demo data (also saved in instance/demo-accounts.txt):")
    for line in demo.describe(made):
        click.echo(f"  {line}" if line else "")
