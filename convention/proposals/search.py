"""Full-text search over recommendations, with French stemming, on SQLite and PostgreSQL.

SQLite: an FTS5 table holds each recommendation's text already stemmed in Python (Snowball
French stemmer, accents removed), and queries are stemmed the same way. PostgreSQL: a table
of `tsvector` documents built by `to_tsvector('french', ...)`, searched with
`plainto_tsquery('french', ...)` through a GIN index. Both tables are created by the migration
for their own database only and are kept up to date by `index()` on every save.
"""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer
from sqlalchemy import text
from sqlalchemy.sql.elements import TextClause

from convention.extensions import db
from convention.proposals.models import TEXT_FIELDS, Recommendation

SEARCH_OBJECTS = ("recommendation_fts", "recommendation_search")


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: the search tables (and FTS5's shadow tables) are made by hand in the
    migrations, one kind per database, so autogenerate and `flask db check` leave them alone."""
    return not (type_ == "table" and name and name.startswith(SEARCH_OBJECTS))


_stemmer = snowballstemmer.stemmer("french")
_WORD = re.compile(r"\w+", re.UNICODE)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def stem_words(value: str) -> list[str]:
    words = _WORD.findall(value.lower())
    stems = _stemmer.stemWords(words)
    return [unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode() for s in stems]


def _document(recommendation: Recommendation) -> tuple[str, str]:
    body = "\n".join(getattr(recommendation, f) or "" for f in TEXT_FIELDS if f != "title")
    return recommendation.title, body


def index(recommendation: Recommendation) -> None:
    """(Re)index one recommendation; call after every change of its text."""
    db.session.flush()
    title, body = _document(recommendation)
    if _dialect() == "postgresql":
        db.session.execute(
            text(
                "INSERT INTO recommendation_search (recommendation_id, document) VALUES (:id, "
                "setweight(to_tsvector('french', :title), 'A') || to_tsvector('french', :body)) "
                "ON CONFLICT (recommendation_id) DO UPDATE SET document = EXCLUDED.document"
            ),
            {"id": recommendation.id, "title": title, "body": body},
        )
    else:
        db.session.execute(
            text("DELETE FROM recommendation_fts WHERE rowid = :id"), {"id": recommendation.id}
        )
        db.session.execute(
            text("INSERT INTO recommendation_fts (rowid, content) VALUES (:id, :content)"),
            {"id": recommendation.id, "content": " ".join(stem_words(title + "\n" + body))},
        )


def matching_ids(query: str) -> TextClause | None:
    """A subquery of the ids of recommendations matching every word of `query`, or None when
    the query has no word to search for."""
    if _dialect() == "postgresql":
        if not _WORD.search(query):
            return None
        return text(
            "SELECT recommendation_id FROM recommendation_search "
            "WHERE document @@ plainto_tsquery('french', :q)"
        ).bindparams(q=query)
    stems = stem_words(query)
    if not stems:
        return None
    # Each stem quoted: the user's text can never be read as FTS5 query syntax.
    fts_query = " ".join(f'"{stem}"' for stem in stems)
    return text(
        "SELECT rowid FROM recommendation_fts WHERE recommendation_fts MATCH :q"
    ).bindparams(q=fts_query)
