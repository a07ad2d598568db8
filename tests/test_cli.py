"""Command line: users create and set-label, spaces create and add-member (seed-demo: test_demo)."""

import pytest
from sqlalchemy import func, select

from forum import policy
from forum.extensions import db
from forum.models import (
    ActionKind,
    IdentityMode,
    JoinPolicy,
    Membership,
    MembershipStatus,
    ModAction,
    Premoderation,
    Role,
    Space,
    User,
    Visibility,
)
from forum.policy import Action
from forum.spaces.membership import request_to_join
from moderation import services as moderation
from tests.factories import PASSWORD


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


@pytest.fixture(autouse=True)
def listed_labels(app):
    """The labels an operator put on the list first, with the command for it."""
    for label in ("Police officer", "Researcher"):
        result = run(app, "labels", "add", label)
        assert result.exit_code == 0, result.output
        assert f"Added the label {label!r}." in result.output


def test_labels_are_listed_and_never_twice_whatever_the_case(app):
    result = run(app, "labels", "add", "  police   OFFICER ")
    assert result.exit_code != 0
    assert "The label 'Police officer' is already on the list." in result.output
    assert run(app, "labels", "list").output.splitlines() == ["Police officer", "Researcher"]


def test_labels_are_granted_by_their_listed_name_in_any_case(app, make_user):
    make_user("olu")
    result = run(app, "users", "set-label", "olu", "police officer")
    assert result.exit_code == 0, result.output
    assert user_named("olu").label == "Police officer"


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
    assert "Revoked the label 'Researcher' of rae." in result.output
    assert user_named("rae").label is None


def test_users_set_label_is_logged_as_the_command_line(app, make_user):
    rae = make_user("rae")
    run(app, "users", "set-label", "rae", "Researcher")
    run(app, "users", "set-label", "rae", "--clear")
    entries = log_entries()
    assert [e.action for e in entries] == [ActionKind.LABEL_GRANTED, ActionKind.LABEL_REVOKED]
    for entry in entries:
        assert entry.actor_id is None
        assert entry.target_user_id == rae.id
        assert entry.private_note == "command line"
        assert entry.changes == {"label": "Researcher"}


def test_users_set_label_refuses_a_bad_label(app, make_user):
    make_user("rae")
    result = run(app, "users", "set-label", "rae", "Astronaut")
    assert result.exit_code != 0
    assert "There is no verified label called 'Astronaut'." in result.output
    assert log_entries() == []


def test_users_create_with_a_label_logs_the_grant(app):
    result = run(app, "users", "create", "olu", "--label", "Police officer", "--password-stdin",
                 input=PASSWORD)  # fmt: skip
    assert result.exit_code == 0, result.output
    (entry,) = log_entries()
    assert (entry.action, entry.target_user_id) == (ActionKind.LABEL_GRANTED, user_named("olu").id)


def test_users_set_label_refuses_unknown_users_and_ambiguous_input(app, make_user):
    make_user("rae")
    assert "No user named" in run(app, "users", "set-label", "ghost", "Researcher").output
    assert run(app, "users", "set-label", "rae").exit_code != 0
    assert run(app, "users", "set-label", "rae", "Researcher", "--clear").exit_code != 0
    assert user_named("rae").label is None


def log_entries() -> list[ModAction]:
    """The log, without the entries that put the test's labels on the list."""
    db.session.expire_all()
    entries = db.session.scalars(
        select(ModAction).where(ModAction.action != ActionKind.LABEL_ADDED).order_by(ModAction.id)
    )
    return list(entries)


def space_at(slug: str) -> Space | None:
    db.session.expire_all()
    return db.session.scalar(select(Space).where(Space.slug == slug))


def membership(user: User, space: Space) -> Membership | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.space_id == space.id)
    )


# spaces create


def test_spaces_create_with_every_setting(app, make_user, tmp_path):
    owner = make_user("ines", label="Police officer")
    rules = tmp_path / "rules.md"
    rules.write_text("1. **No operational details.**\n2. Speak for yourself.\n")
    result = run(
        app, "spaces", "create", "police",
        "--name", "Police Practitioners",
        "--description", "For verified officers.",
        "--rules-file", str(rules),
        "--visibility", "members",
        "--join", "request",
        "--identity", "named",
        "--label", "Police officer",
        "--premoderation", "new_members",
        "--slow-mode", "120",
        "--owner", "INES",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    space = space_at("police")
    assert f"Created space 'Police Practitioners' at /s/police with id {space.id}." in result.output
    assert "Owner: ines." in result.output
    assert space.description == "For verified officers."
    assert "<strong>No operational details.</strong>" in space.rules_html
    assert space.visibility == Visibility.MEMBERS
    assert space.join_policy == JoinPolicy.REQUEST
    assert space.identity_mode == IdentityMode.NAMED
    assert space.required_label == "Police officer"
    assert space.premoderation == Premoderation.NEW_MEMBERS
    assert space.slow_mode_seconds == 120
    owned = membership(owner, space)
    assert (owned.role, owned.status) == (Role.OWNER, MembershipStatus.ACTIVE)
    assert owned.rules_version_accepted == space.rules_version
    assert [e.action for e in log_entries() if e.space_id] == [ActionKind.SPACE_CREATED]


def test_spaces_create_defaults_to_a_public_open_space_without_owner(app):
    result = run(app, "spaces", "create", "town-hall", "--name", "Town Hall")
    assert result.exit_code == 0, result.output
    assert "no owner yet" in result.output
    space = space_at("town-hall")
    assert (space.visibility, space.join_policy) == (Visibility.PUBLIC, JoinPolicy.OPEN)
    assert (space.identity_mode, space.premoderation) == (IdentityMode.CHOICE, Premoderation.OFF)
    assert space.member_count == 0


def test_spaces_create_hidden_implies_invitation_only(app):
    result = run(app, "spaces", "create", "leads", "--name", "Leads", "--visibility", "hidden")
    assert result.exit_code == 0, result.output
    assert space_at("leads").join_policy == JoinPolicy.INVITE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad Slug", "--name", "X space"], "lower-case letters, digits and single hyphens"),
        (["taken", "--name", "Again"], "A space with that address already exists."),
        (["new", "--name", "New"], "That address is reserved."),
        (["s1", "--name", "S1", "--visibility", "hidden", "--join", "open"], "by invitation"),
        (["s2", "--name", "S2", "--owner", "ghost"], "No user named 'ghost'."),
        (["s3", "--name", "S3", "--owner", "rae", "--label", "Police officer"],
         "The owner must hold"),
        (["s4", "--name", "S4", "--slow-mode", "999999"], "Slow mode is between 0 seconds"),
        (["s5", "--name", "S5", "--label", "Police"], "There is no verified label called 'Police'"),
        (["s6", "--name", "S6", "--description", "d" * 501], "at most 500 characters"),
        (["s7", "--name", "S7", "--visibility", "secret"], "Invalid value for '--visibility'"),
        (["s8", "--name", "S8", "--identity", "anonymous"], "Invalid value for '--identity'"),
        (["s9"], "Missing option '--name'"),
        (["s10", "--name", "S10", "--rules-file", "/no/such.md"], "for '--rules-file'"),
    ],
)  # fmt: skip
def test_spaces_create_refuses_bad_input_with_a_clear_message(app, make_user, args, message):
    make_user("rae", label="Researcher")
    assert run(app, "spaces", "create", "taken", "--name", "Taken").exit_code == 0
    result = run(app, "spaces", "create", *args)
    assert result.exit_code != 0
    assert message in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Space)) == 1


# spaces add-member


@pytest.fixture
def police_space(app, make_user):
    """A members-only request space requiring the Police officer label, owned by ines."""
    make_user("ines", label="Police officer")
    result = run(
        app, "spaces", "create", "police", "--name", "Police", "--visibility", "members",
        "--join", "request", "--label", "Police officer", "--owner", "ines",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return space_at("police")


def test_spaces_add_member_admits_with_the_rules_accepted(app, make_user, police_space):
    olu = make_user("olu", label="Police officer")
    result = run(app, "spaces", "add-member", "police", "OLU")
    assert result.exit_code == 0, result.output
    assert "Added olu to Police (/s/police) as member." in result.output
    joined = membership(olu, police_space)
    assert (joined.role, joined.status) == (Role.MEMBER, MembershipStatus.ACTIVE)
    assert joined.has_accepted_current_rules(space_at("police"))
    assert space_at("police").member_count == 2
    assert policy.can(olu, Action.READ_SPACE, space_at("police"))


def test_spaces_add_member_changes_the_role_of_a_member(app, make_user, police_space):
    olu = make_user("olu", label="Police officer")
    run(app, "spaces", "add-member", "police", "olu")
    result = run(app, "spaces", "add-member", "police", "olu", "--role", "moderator")
    assert result.exit_code == 0, result.output
    assert "olu is now a moderator of Police" in result.output
    assert membership(olu, police_space).role == Role.MODERATOR
    assert space_at("police").member_count == 2
    again = run(app, "spaces", "add-member", "police", "olu", "--role", "moderator")
    assert again.exit_code == 0
    assert "already a moderator" in again.output
    # Both changes are in the log, by the command line, as they would be from the web.
    added, promoted = [e for e in log_entries() if e.space_id == police_space.id][-2:]
    assert (added.action, added.actor_id, added.target_user_id) == (
        ActionKind.MEMBER_ADDED,
        None,
        olu.id,
    )
    assert (promoted.action, promoted.changes) == (
        ActionKind.ROLE_CHANGED,
        {"from": "member", "to": "moderator"},
    )


def test_spaces_add_member_approves_a_pending_request(app, make_user, police_space):
    olu = make_user("olu", label="Police officer")
    request_to_join(olu, police_space, "Please let me in.", accepted_rules=True)
    db.session.commit()
    result = run(app, "spaces", "add-member", "police", "olu")
    assert result.exit_code == 0, result.output
    assert membership(olu, police_space).status == MembershipStatus.ACTIVE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere", "olu"], "No space at /s/nowhere."),
        (["police", "ghost"], "No user named 'ghost'."),
        (["police", "kit"], "kit does not hold the label 'Police officer'"),
        (["police", "olu", "--role", "king"], "Invalid value for '--role'"),
        (["police", "ines", "--role", "member"], "A space must keep at least one owner."),
    ],
)
def test_spaces_add_member_refuses_bad_input_with_a_clear_message(
    app, make_user, police_space, args, message
):
    make_user("olu", label="Police officer")
    make_user("kit")
    result = run(app, "spaces", "add-member", *args)
    assert result.exit_code != 0
    assert message in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1


def test_spaces_add_member_refuses_a_banned_member(app, make_user, police_space):
    ines = user_named("ines")
    olu = make_user("olu", label="Police officer")
    run(app, "spaces", "add-member", "police", "olu")
    banned = membership(olu, police_space)
    moderation.ban_member(ines, space_at("police"), banned.id, "Shared a live case.")
    db.session.commit()
    result = run(app, "spaces", "add-member", "police", "olu")
    assert result.exit_code != 0
    assert "olu is banned from this space" in result.output
    assert membership(olu, police_space).status == MembershipStatus.BANNED
