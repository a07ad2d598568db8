"""The two full-text engines behind one interface: SQLite's FTS5 and PostgreSQL's tsvector.

A backend says how words become a query the engine takes (never the person's own syntax), how a
post matches, how matches rank, and how a snippet and a title are highlighted. Everything about
who may read what is the caller's (forum/search/queries.py), in the same statement.
"""

import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    FromClause,
    bindparam,
    case,
    column,
    func,
    literal_column,
    table,
)

from forum.markup import MATCH_END, MATCH_START
from forum.models import Post, Thread

# A word is a run of letters and digits in any script; everything else separates words, so no
# quote, operator or bracket a person types ever reaches an engine. Words match whole: a prefix
# query costs FTS5 a merge of every word it starts, once for the page and again for each
# snippet (57 ms against 1.5 ms for a common word's page on the benchmark's data).
_WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 24
# A match in a thread's title counts this many times one in a post's text.
TITLE_WEIGHT = 4.0


def without_markers(text: ColumnElement) -> ColumnElement:
    """The text with the match markers taken out, so only the engine's marks remain."""
    return func.replace(func.replace(text, MATCH_START, ""), MATCH_END, "")


def words_of(text: str) -> list[str]:
    """The words of a search, in order, lowercased, each once."""
    return list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))


@dataclass(frozen=True)
class Match:
    """How posts match a search: a table to join by post id, the condition, the score."""

    source: FromClause
    post_id: ColumnElement
    condition: ColumnElement[bool]
    score: ColumnElement
    best_first: bool  # order by score descending (ts_rank) or ascending (bm25)


class SQLiteBackend:
    """FTS5 (forum/search/index.py): quoted terms, all required."""

    index = table("search_index", column("rowid"))
    _name = literal_column("search_index")

    def terms(self, words: list[str]) -> str:
        # Quoted, each word is a string to the tokenizer, never an operator; words hold no quote.
        return " ".join(f'"{word}"' for word in words)

    def match(self) -> Match:
        return Match(
            source=self.index,
            post_id=self.index.c.rowid,
            condition=self._name.op("MATCH")(bindparam("terms")),
            score=func.bm25(self._name, TITLE_WEIGHT, 1.0),
            best_first=False,
        )

    def in_space(self, space_id_column: ColumnElement, space_id: int) -> ColumnElement[bool]:
        # `+ 0` keeps SQLite off the posts' space index: walking a space's posts and looking
        # each one up in the full-text index took seconds; reading the matches, milliseconds.
        return space_id_column + 0 == space_id

    def highlight(self, statement, post_id: ColumnElement):
        """Join what snippets are made from; return it with the title and snippet columns."""
        statement = statement.join(self.index, self.index.c.rowid == post_id).where(
            self._name.op("MATCH")(bindparam("terms"))
        )
        title = case(
            (Post.parent_id.is_(None), func.highlight(self._name, 0, MATCH_START, MATCH_END)),
            else_=without_markers(Thread.title),
        )
        snippet = func.snippet(self._name, 1, MATCH_START, MATCH_END, "…", SNIPPET_WORDS)
        return statement, title, snippet


class PostgresBackend:
    """A tsvector per post (forum/search/index.py), 'simple' configuration, ts_rank."""

    documents = table("search_documents", column("post_id"), column("document"))
    _configuration = literal_column("'simple'::regconfig")
    _marks = f'StartSel="{MATCH_START}", StopSel="{MATCH_END}"'

    def terms(self, words: list[str]) -> str:
        # Words hold only letters and digits, so quoting them makes each one lexeme, never syntax.
        return " & ".join(f"'{word}'" for word in words)

    def _query(self):
        return func.to_tsquery(self._configuration, bindparam("terms"))

    def match(self) -> Match:
        return Match(
            source=self.documents,
            post_id=self.documents.c.post_id,
            condition=self.documents.c.document.op("@@")(self._query()),
            score=func.ts_rank(self.documents.c.document, self._query()),
            best_first=True,
        )

    def in_space(self, space_id_column: ColumnElement, space_id: int) -> ColumnElement[bool]:
        return space_id_column == space_id

    def _headline(self, text: ColumnElement, options: str):
        return func.ts_headline(self._configuration, without_markers(text), self._query(), options)

    def highlight(self, statement, post_id: ColumnElement):
        """Return the statement with the title and snippet columns (made from the text itself)."""
        whole_title = self._headline(Thread.title, f"HighlightAll=true, {self._marks}")
        title = case((Post.parent_id.is_(None), whole_title), else_=without_markers(Thread.title))
        options = f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, {self._marks}"
        return statement, title, self._headline(Post.body_source, options)


def backend_for(dialect_name: str) -> SQLiteBackend | PostgresBackend:
    """The backend of the database the app runs on."""
    if dialect_name == "postgresql":
        return PostgresBackend()
    if dialect_name == "sqlite":
        return SQLiteBackend()
    raise RuntimeError(f"search supports SQLite and PostgreSQL, not {dialect_name}")
