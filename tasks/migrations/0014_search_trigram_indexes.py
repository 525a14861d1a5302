"""Trigram indexes for the search page (tasks.search, issue 16), on PostgreSQL only.

``pg_trgm`` GIN indexes on ``UPPER(column)``: Django's ``icontains`` is ``UPPER(col) LIKE UPPER('%q%')`` on
PostgreSQL, and a trigram index serves a LIKE only on the very expression it indexes. The database's
LC_CTYPE must class Chinese characters as letters (C.UTF-8, zh_CN.UTF-8 and en_US.UTF-8 all do), or pg_trgm
extracts no trigram from Chinese text at all.

The indexes are not in the models' ``Meta.indexes``: SQLite has neither the extension nor GIN, and the
search there is a plain LIKE over the same ``icontains``. So the migration adds them through the schema
editor when it runs on PostgreSQL and does nothing elsewhere; model state is unchanged, so
``makemigrations --check`` stays clean on both.

A query of two characters has no trigram (pg_trgm pads only whole words, and a Chinese sentence is one long
"word"), so its LIKE would read every row of the index and recheck every row of the table (3 s over the
city's 850,000 reports). For those, ``lawgov_bigrams(col)``, an IMMUTABLE SQL function giving the
two-character pieces of ``UPPER(col)``, gets a GIN array index, and tasks.search asks
``lawgov_bigrams(col) @> ARRAY['..']``. Repeated pieces are left in (GIN keeps each key once per row; a
DISTINCT made the function twice as slow). The function is declared costly (COST 5000): computed row by
row it is, and the planner must prefer its index to calling it on every row of a join.

A task's printed number gets a B-tree index (the search's "5" finds task 5).

Unit names and plan titles have no index: a city has hundreds of units and tens of plans.
"""

from django.db import migrations

# (app label, model, column, index name): the large text columns the search reads.
TRIGRAM_INDEXES = [
    ("plans", "Task", "heading", "task_heading_trgm"),
    ("plans", "Task", "text", "task_text_trgm"),
    ("tasks", "ProgressReport", "text", "report_text_trgm"),
    ("tasks", "Evidence", "original_name", "evidence_name_trgm"),
]
BIGRAM_INDEXES = [
    ("plans", "Task", "heading", "task_heading_bigrams"),
    ("plans", "Task", "text", "task_text_bigrams"),
    ("tasks", "ProgressReport", "text", "report_text_bigrams"),
    ("tasks", "Evidence", "original_name", "evidence_name_bigrams"),
]


BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION lawgov_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$
    SELECT ARRAY(SELECT substr(upper(value), i, 2) FROM generate_series(1, length(value) - 1) AS i)
$$
"""


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for app_label, model_name, column, name in TRIGRAM_INDEXES:
        table = apps.get_model(app_label, model_name)._meta.db_table
        # Raw SQL: Django's GinIndex(OpClass(Upper(col))) renders "((UPPER(col) gin_trgm_ops))", which
        # PostgreSQL refuses (the opclass must sit outside the expression's parentheses).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} USING gin ((UPPER({quote(column)})) gin_trgm_ops)"
        )
    schema_editor.execute(BIGRAMS_FUNCTION)
    for app_label, model_name, column, name in BIGRAM_INDEXES:
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} USING gin (lawgov_bigrams({quote(column)}))"
        )
    schema_editor.execute('CREATE INDEX IF NOT EXISTS task_number_search ON "plans_task" ("number")')


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _app_label, _model_name, _column, name in [*TRIGRAM_INDEXES, *BIGRAM_INDEXES]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    schema_editor.execute("DROP INDEX IF EXISTS task_number_search")
    schema_editor.execute("DROP FUNCTION IF EXISTS lawgov_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0013_calendar_moves_to_lawgov"),
        ("plans", "0005_assignment_unique_live_unit"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
