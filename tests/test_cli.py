"""Command line: users create, users set-label, seed-demo."""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import User
from tests.conftest import PASSWORD


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def user_named(name):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username_key == name.lower()))


def test_users_create_reads_the_password_from_stdin_and_prints_the_id(app):
    result = run(
        app,
        "users",
        "create",
        "olu",
        "--label",
        "Police officer",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = user_named("olu")
    assert f"with id {user.id}" in result.output
    assert user.label == "Police officer"
    assert not user.is_admin
    assert user.email is None


def test_users_create_admin_with_email(app):
    result = run(
        app,
        "users",
        "create",
        "boss",
        "--admin",
        "--email",
        "b@example.org",
        "--password-stdin",
        input=PASSWORD,
    )
    assert result.exit_code == 0, result.output
    assert user_named("boss").is_admin
    assert user_named("boss").email == "b@example.org"


def test_users_create_prompts_for_the_password(app):
    result = run(app, "users", "create", "prompted", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert user_named("prompted") is not None


def test_users_create_refuses_bad_input_with_a_clear_message(app, make_user):
    make_user("taken")
    cases = [
        (["taken"], PASSWORD, "That username is taken"),
        (["admin"], PASSWORD, "reserved"),
        (["weakling"], "password123", "stronger password"),
        (["x"], PASSWORD, "3 to 30 characters"),
    ]
    for args, password, message in cases:
        result = run(app, "users", "create", *args, "--password-stdin", input=password)
        assert result.exit_code != 0
        assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_users_set_label_grants_and_clears(app, make_user):
    make_user("rae")
    result = run(app, "users", "set-label", "RAE", "Researcher")
    assert result.exit_code == 0, result.output
    assert user_named("rae").label == "Researcher"
    result = run(app, "users", "set-label", "rae", "--clear")
    assert result.exit_code == 0, result.output
    assert user_named("rae").label is None


def test_users_set_label_refuses_unknown_users_and_ambiguous_input(app, make_user):
    make_user("rae")
    assert "No user named" in run(app, "users", "set-label", "ghost", "Researcher").output
    assert run(app, "users", "set-label", "rae").exit_code != 0
    assert run(app, "users", "set-label", "rae", "Researcher", "--clear").exit_code != 0
    assert user_named("rae").label is None


def test_seed_demo_makes_accounts_that_can_sign_in_and_saves_them(app, tmp_path):
    app.instance_path = str(tmp_path)
    result = run(app, "seed-demo", "--if-empty")
    assert result.exit_code == 0, result.output
    saved = (tmp_path / "demo-accounts.txt").read_text()
    assert "demo_admin" in saved
    assert (tmp_path / "demo-accounts.txt").stat().st_mode & 0o077 == 0
    username, _, password = saved.splitlines()[1].split()[:3]
    assert username == "officer_olu"
    assert user_named("officer_olu").label == "Police officer"
    signed_in = app.test_client().submit("/login", {"username": username, "password": password})
    assert signed_in.status_code == 302


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, make_user, tmp_path):
    app.instance_path = str(tmp_path)
    make_user("existing")
    result = run(app, "seed-demo", "--if-empty")
    assert result.exit_code == 0
    assert "already has users" in result.output
    assert user_named("demo_admin") is None
