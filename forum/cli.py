"""Command line for operators and scripts: `flask --app wsgi users …` and `seed-demo`."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from forum import demo
from forum.accounts import services
from forum.accounts.rules import AccountError
from forum.extensions import db
from forum.models import User

users_cli = AppGroup("users", help="Create accounts and manage verified labels.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)


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
    password = _read_password(password_stdin)
    try:
        account = services.register_user(
            name, password, email=email, is_admin=admin, label=_clean_label(label)
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created user {account.user.username} with id {account.user.id}.")
    click.echo(f"Recovery code (shown once): {account.recovery_code}")


@users_cli.command("set-label")
@click.argument("name")
@click.argument("label", required=False)
@click.option("--clear", is_flag=True, help="Revoke the user's label.")
def set_label(name, label, clear):
    """Grant a verified label to a user, or revoke it with --clear."""
    if clear == bool(label):
        raise click.UsageError("Give either a LABEL or --clear.")
    user = services.find_user(name)
    if user is None:
        raise click.ClickException(f"No user named {name!r}.")
    user.label = None if clear else _clean_label(label)
    db.session.commit()
    if clear:
        click.echo(f"Revoked the label of {user.username}.")
    else:
        click.echo(f"{user.username} now holds the label {user.label!r}.")


def _clean_label(label: str | None) -> str | None:
    if label is None:
        return None
    label = " ".join(label.split())
    if not 2 <= len(label) <= 60:
        raise click.ClickException("A label is 2 to 60 characters long.")
    return label


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo(if_empty):
    """Fill the database with demo accounts, and print how to sign in as each."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already has users; no demo data added.")
        return
    try:
        accounts = demo.seed()
    except AccountError as error:
        raise click.ClickException(f"Could not seed the demo: {error}") from None
    db.session.commit()
    click.echo("Demo accounts (also saved in instance/demo-accounts.txt):")
    for line in demo.describe(accounts):
        click.echo(f"  {line}")
