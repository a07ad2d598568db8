"""`flask rerender`: posts rendered by an older renderer are rendered again, and counted."""

from sqlalchemy import select, update

from forum.extensions import db
from forum.markup import RENDER_VERSION, render
from forum.models import Post
from forum.threads import services

STALE_HTML = "<p>stale</p>"


def make_posts(user, space, bodies: list[str]) -> list[Post]:
    """A thread whose first post has the first body, and one reply for each other body."""
    thread = services.start_thread(
        user, space, title="Rendering old posts", body=bodies[0], kind="pseudonym"
    )
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    replies = [services.post_reply(user, first, body=body, kind="pseudonym") for body in bodies[1:]]
    db.session.commit()
    return [first, *replies]


def make_stale(posts: list[Post], version: int = 0) -> None:
    db.session.execute(
        update(Post)
        .where(Post.id.in_([post.id for post in posts]))
        .values(body_html=STALE_HTML, render_version=version)
    )
    db.session.commit()


def stored(post: Post) -> Post:
    db.session.expire_all()
    return db.session.get(Post, post.id)


def rerender(app):
    return app.test_cli_runner().invoke(args=["rerender"])


def test_rerender_renders_stale_posts_again_and_prints_how_many(app, member, space):
    posts = make_posts(member, space, ["**bold** words", "![pic](https://example.org/p.png)"])
    make_stale(posts)

    result = rerender(app)

    assert result.exit_code == 0, result.output
    assert (
        result.output.splitlines()[0] == f"Re-rendered 2 posts to render version {RENDER_VERSION}."
    )
    for post in posts:
        post = stored(post)
        assert post.render_version == RENDER_VERSION
        assert post.body_html == render(post.body_source)
    assert "<strong>bold</strong>" in stored(posts[0]).body_html
    assert 'href="https://example.org/p.png"' in stored(posts[1]).body_html


def test_rerender_leaves_posts_at_the_current_version_alone(app, member, space):
    stale, current = make_posts(member, space, ["old *post*", "current *post*"])
    make_stale([stale])
    db.session.execute(update(Post).where(Post.id == current.id).values(body_html="<p>kept</p>"))
    db.session.commit()

    result = rerender(app)

    assert (
        result.output.splitlines()[0] == f"Re-rendered 1 post to render version {RENDER_VERSION}."
    )
    assert stored(stale).body_html == render("old *post*")
    assert stored(current).body_html == "<p>kept</p>"


def test_rerender_treats_a_newer_version_as_stale_too(app, member, space):
    # A rollback to an older renderer must re-render what the newer one wrote.
    (post,) = make_posts(member, space, ["rolled *back*"])
    make_stale([post], version=RENDER_VERSION + 1)

    assert rerender(app).output.startswith("Re-rendered 1 post ")
    assert stored(post).render_version == RENDER_VERSION


def test_rerender_with_nothing_stale_changes_nothing(app, member, space):
    make_posts(member, space, ["fresh"])

    result = rerender(app)

    assert result.exit_code == 0
    assert (
        result.output.splitlines()[0] == f"Re-rendered 0 posts to render version {RENDER_VERSION}."
    )


def test_rerender_twice_finds_nothing_the_second_time(app, member, space):
    make_stale(make_posts(member, space, ["one", "two", "three"]))

    assert rerender(app).output.startswith("Re-rendered 3 posts ")
    assert rerender(app).output.startswith("Re-rendered 0 posts ")


def test_rerender_posts_works_through_every_batch(app, member, space):
    posts = make_posts(member, space, [f"post *{n}*" for n in range(5)])
    make_stale(posts)

    assert services.rerender_posts(batch_size=2) == 5
    db.session.commit()

    assert all(stored(post).body_html == render(post.body_source) for post in posts)


def test_rerender_commits_its_work(app, member, space):
    (post,) = make_posts(member, space, ["kept *after* rollback"])
    make_stale([post])

    rerender(app)
    db.session.rollback()

    assert stored(post).render_version == RENDER_VERSION


def test_rerender_renders_every_space_rules_again(app, space):
    from forum.models import Space

    db.session.execute(update(Space).values(rules_html=STALE_HTML))
    db.session.commit()
    result = rerender(app)
    assert result.exit_code == 0, result.output
    assert "Re-rendered the rules of 1 space." in result.output
    db.session.expire_all()
    assert db.session.get(Space, space.id).rules_html == render(space.rules)
