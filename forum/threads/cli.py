"""Command line for posts: `flask --app wsgi rerender`."""

import click

from forum import markup
from forum.extensions import db
from forum.threads.services import rerender_posts


@click.command("rerender")
def rerender_command() -> None:
    """Re-render every post whose HTML came from an older Markdown renderer."""
    changed = rerender_posts()
    db.session.commit()
    noun = "post" if changed == 1 else "posts"
    click.echo(f"Re-rendered {changed} {noun} to render version {markup.RENDER_VERSION}.")
