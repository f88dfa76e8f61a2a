"""Full-text search over sources, one way per database (ARCHITECTURE §6).

PostgreSQL: a stored generated ``tsvector`` column (title weighted A, archived text B; English
stemming) with a GIN index, queried with ``websearch_to_tsquery`` and ranked with ``ts_rank_cd``.
SQLite (the embedded default): an external-content FTS5 table kept in step with
``sources_source`` by triggers, ranked with ``bm25()``.

Neither is a model field: the ORM never reads them; ``sources.selectors.library_search`` does.
On SQLite, Django rebuilds a table to alter it, which drops its triggers: a later migration
that alters ``sources_source`` must run ``fulltext_sqlite`` again (the library search tests fail
if it does not).
"""

from django.db import migrations

# PostgreSQL: text beyond this many characters is not indexed (a tsvector holds at most 1 MB, and
# positions stop at 16,383 anyway); passages are still cut from the whole archived text. FTS5 has
# no such limit, and its 'delete' must see exactly what was indexed, so SQLite indexes it all.
INDEXED_CHARS = 300_000

POSTGRES_FORWARD = [
    f"""
    ALTER TABLE sources_source ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(
            to_tsvector('english'::regconfig, left(coalesce(archived_text, ''), {INDEXED_CHARS})),
            'B'
        )
    ) STORED
    """,
    # The library search: sources matching a claim's words.
    "CREATE INDEX sources_source_search_idx ON sources_source USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS sources_source_search_idx",
    "ALTER TABLE sources_source DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE sources_source_fts USING fts5(
        title, archived_text, content='sources_source', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER sources_source_fts_insert AFTER INSERT ON sources_source BEGIN
        INSERT INTO sources_source_fts(rowid, title, archived_text)
        VALUES (new.id, new.title, new.archived_text);
    END
    """,
    """
    CREATE TRIGGER sources_source_fts_delete AFTER DELETE ON sources_source BEGIN
        INSERT INTO sources_source_fts(sources_source_fts, rowid, title, archived_text)
        VALUES ('delete', old.id, old.title, old.archived_text);
    END
    """,
    """
    CREATE TRIGGER sources_source_fts_update AFTER UPDATE OF title, archived_text ON sources_source
    BEGIN
        INSERT INTO sources_source_fts(sources_source_fts, rowid, title, archived_text)
        VALUES ('delete', old.id, old.title, old.archived_text);
        INSERT INTO sources_source_fts(rowid, title, archived_text)
        VALUES (new.id, new.title, new.archived_text);
    END
    """,
    "INSERT INTO sources_source_fts(sources_source_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS sources_source_fts_insert",
    "DROP TRIGGER IF EXISTS sources_source_fts_delete",
    "DROP TRIGGER IF EXISTS sources_source_fts_update",
    "DROP TABLE IF EXISTS sources_source_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


fulltext_forward = _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD})
fulltext_backward = _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("sources", "0002_library_lookups")]

    operations = [migrations.RunPython(fulltext_forward, fulltext_backward)]
