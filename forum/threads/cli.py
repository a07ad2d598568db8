"""Command line for posts: `flask --app wsgi rerender`."""

import click

from forum import markup
from forum.extensions import db
from forum.models import Space
from forum.threads.services import rerender_posts


def rerender_space_rules() -> int:
    """Re-render every space's rules (a handful of rows, so all of them every time)."""
    spaces = db.session.scalars(db.select(Space)).all()
    for space in spaces:
        space.rules_html = markup.render(space.rules)
    db.session.flush()
    return len(spaces)


@click.command("rerender")
def rerender_command() -> None:
    """Re-render every post whose HTML came from an older Markdown renderer, and spaces' rules."""
    changed = rerender_posts()
    rules = rerender_space_rules()
    db.session.commit()
    noun = "post" if changed == 1 else "posts"
    click.echo(f"Re-rendered {changed} {noun} to render version {markup.RENDER_VERSION}.")
    click.echo(f"Re-rendered the rules of {rules} space{'' if rules == 1 else 's'}.")
