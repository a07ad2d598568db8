"""Bulk loading posts and threads fast: their secondary indexes and the search index are made
once after the rows are in, rather than kept up to date row by row."""

from contextlib import contextmanager

from sqlalchemy import Connection, text

from forum.models import Post, Thread
from forum.search import index as search_index

SEARCH_GIN_INDEX = "ix_search_documents_document"


@contextmanager
def bulk_load(connection: Connection):
    """Around inserting many threads and posts: drop their secondary indexes and the search
    index's triggers and table, then build them again and index every post in one statement.
    The database ends as `create_all()` leaves it, with every post searchable."""
    postgres = connection.dialect.name == "postgresql"
    indexes = [*Thread.__table__.indexes, *Post.__table__.indexes]
    search_index.remove(connection)
    for index in indexes:
        index.drop(connection)
    yield
    if postgres:  # more memory per index build than the default 64 MB: fewer passes to disk
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for index in indexes:
        index.create(connection)
    search_index.install(connection)
    if postgres:  # one GIN build over every document beats a million insertions into it
        connection.execute(text(f"DROP INDEX {SEARCH_GIN_INDEX}"))
    search_index.rebuild(connection)
    if postgres:
        connection.execute(
            text(f"CREATE INDEX {SEARCH_GIN_INDEX} ON search_documents USING gin (document)")
        )
