"""The full-text index of posts, kept current by database triggers on each backend.

Triggers rather than application code, so that no path that writes a post (posting, editing,
deleting, any moderation decision, a migration, a bulk insert) can forget the index. A document
is a post's text and, for a thread's first post, the thread's title; nothing about who may read
it is stored here: searching filters with the policy's clauses at query time.

- SQLite: an FTS5 table `search_index` (rowid = the post's id), `unicode61` with diacritics
  removed, so "café" finds "cafe".
- PostgreSQL: `search_documents` (a tsvector per post, the title weighted A, the text B) with a
  GIN index. The 'simple' configuration lowercases and never stems or drops stop words: posts are
  in any language, and an English stemmer would mangle the others (and drop "who", "not").

Neither table is in the models' metadata: `db.create_all()` makes them through the events
installed by `init_app`, the migration d4e5f6a7b8c9 through `install()`, and migrations/env.py
leaves them out of autogenerate's comparison. A migration that recreates `posts` or `threads` on
SQLite (batch mode copies the table) drops their triggers, and must call `install()` again.
"""

from sqlalchemy import DDL, MetaData, event
from sqlalchemy.engine import Connection

# The private-use characters U+E000 and U+E001 (57344 and 57345) mark matches in snippets
# (forum.markup.MATCH_START, MATCH_END): what is indexed never holds them, so a post cannot
# forge a highlight. `replace(replace(x, char(57344), ''), char(57345), '')` (chr() on
# PostgreSQL) is x without them.
SQLITE_INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_index
    USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS search_post_written AFTER INSERT ON posts BEGIN
    INSERT INTO search_index (rowid, title, body) VALUES (
        new.id,
        CASE WHEN new.parent_id IS NULL THEN replace(replace(
            (SELECT title FROM threads WHERE id = new.thread_id),
            char(57344), ''), char(57345), '') ELSE '' END,
        replace(replace(new.body_source, char(57344), ''), char(57345), ''));
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_post_edited AFTER UPDATE OF body_source ON posts BEGIN
    UPDATE search_index
    SET body = replace(replace(new.body_source, char(57344), ''), char(57345), '')
    WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_post_deleted AFTER DELETE ON posts BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_title_edited AFTER UPDATE OF title ON threads BEGIN
    UPDATE search_index
    SET title = replace(replace(new.title, char(57344), ''), char(57345), '')
    WHERE rowid = (SELECT id FROM posts WHERE thread_id = new.id AND parent_id IS NULL);
    END""",
]
SQLITE_REBUILD = [
    "DELETE FROM search_index",
    """INSERT INTO search_index (rowid, title, body)
    SELECT posts.id,
        CASE WHEN posts.parent_id IS NULL
            THEN replace(replace(threads.title, char(57344), ''), char(57345), '') ELSE '' END,
        replace(replace(posts.body_source, char(57344), ''), char(57345), '')
    FROM posts JOIN threads ON threads.id = posts.thread_id""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS search_title_edited",
    "DROP TRIGGER IF EXISTS search_post_deleted",
    "DROP TRIGGER IF EXISTS search_post_edited",
    "DROP TRIGGER IF EXISTS search_post_written",
    "DROP TABLE IF EXISTS search_index",
]

POSTGRES_INSTALL = [
    """CREATE TABLE IF NOT EXISTS search_documents (
        post_id integer PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
        document tsvector NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS ix_search_documents_document
    ON search_documents USING gin (document)""",
    """CREATE OR REPLACE FUNCTION search_document(title text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('simple',
                replace(replace(coalesce(title, ''), chr(57344), ''), chr(57345), '')), 'A')
            || setweight(to_tsvector('simple',
                replace(replace(body, chr(57344), ''), chr(57345), '')), 'B')
    $$""",
    """CREATE OR REPLACE FUNCTION search_post_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_documents (post_id, document) VALUES (NEW.id, search_document(
            CASE WHEN NEW.parent_id IS NULL
                THEN (SELECT title FROM threads WHERE id = NEW.thread_id) END,
            NEW.body_source))
        ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE TRIGGER search_post_written
    AFTER INSERT OR UPDATE OF body_source ON posts
    FOR EACH ROW EXECUTE FUNCTION search_post_written()""",
    """CREATE OR REPLACE FUNCTION search_title_edited() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE search_documents SET document = search_document(NEW.title, posts.body_source)
        FROM posts
        WHERE posts.thread_id = NEW.id AND posts.parent_id IS NULL
            AND search_documents.post_id = posts.id;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE TRIGGER search_title_edited AFTER UPDATE OF title ON threads
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION search_title_edited()""",
]
POSTGRES_REBUILD = [
    "DELETE FROM search_documents",
    """INSERT INTO search_documents (post_id, document)
    SELECT posts.id, search_document(
        CASE WHEN posts.parent_id IS NULL THEN threads.title END, posts.body_source)
    FROM posts JOIN threads ON threads.id = posts.thread_id""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS search_title_edited ON threads",
    "DROP TRIGGER IF EXISTS search_post_written ON posts",
    "DROP FUNCTION IF EXISTS search_title_edited()",
    "DROP FUNCTION IF EXISTS search_post_written()",
    "DROP TABLE IF EXISTS search_documents",
    "DROP FUNCTION IF EXISTS search_document(text, text)",
]

_STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REBUILD, SQLITE_REMOVE),
    "postgresql": (POSTGRES_INSTALL, POSTGRES_REBUILD, POSTGRES_REMOVE),
}


def _run(connection: Connection, which: int) -> None:
    for statement in _STATEMENTS[connection.dialect.name][which]:
        connection.exec_driver_sql(statement)


def install(connection: Connection) -> None:
    """Create the index and its triggers where missing (posts and threads must exist)."""
    _run(connection, 0)


def rebuild(connection: Connection) -> None:
    """Index every post in the database afresh (the migration indexes what was written before)."""
    _run(connection, 1)


def remove(connection: Connection) -> None:
    """Drop the index and its triggers."""
    _run(connection, 2)


def outside_the_models(object, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: False for the index's tables (FTS5's shadow tables too), which
    autogenerate must not compare with the models, since they are made here."""
    return not (type_ == "table" and compare_to is None and name.startswith("search_"))


def attach_to(metadata: MetaData) -> None:
    """Make `create_all()` install the index after the tables, and `drop_all()` remove it first
    (on PostgreSQL it refers to `posts`, which could not be dropped before it). Once per
    metadata, however many apps are made."""
    if metadata.info.get("search_index_attached"):
        return
    metadata.info["search_index_attached"] = True
    for dialect, (install_statements, _rebuild, remove_statements) in _STATEMENTS.items():
        for when, statements in (
            ("after_create", install_statements),
            ("before_drop", remove_statements),
        ):
            for statement in statements:
                ddl = DDL(statement).execute_if(dialect=dialect)
                event.listen(metadata, when, ddl)
