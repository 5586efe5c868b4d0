"""Responses keep no order of arrival.

On SQLite an ordinary table numbers its rows as they are inserted (the hidden ``rowid``), so
``SELECT rowid, *`` lists the answers in the order they came in, and every backup keeps that
order; set next to an access log with times, it ties people to their answers. The table is rebuilt
``WITHOUT ROWID``: its rows are then stored by their random key alone. The statements are those
Django made for the table (``sqlite_master`` after 0003), with ``WITHOUT ROWID`` added; the old
table is dropped with ``secure_delete`` on, so its pages are zeroed instead of keeping the old
order in the database file's free pages. Django's own schema changes rebuild a table without it:
``tests/surveys/test_answer_order.py`` fails if a later migration does.

PostgreSQL has no rowid, but its heap keeps rows in the order they were written and each row's
``xmin`` numbers its transaction. There the responses written so far are rewritten once, in the
order of their random keys, in one statement (all get one ``xmin``); ``tasks.responses_shuffle``
does the same for each campaign while it takes answers (docs/operations.md says what remains).
"""

from typing import Any

from django.db import migrations

TABLE = "surveys_surveyresponse"
NEW = "new__surveys_surveyresponse"
COLUMNS = '"id", "side", "submitted_on", "answers", "department_id", "organization_id", "campaign_id"'
CREATE = (
    'CREATE TABLE "{name}" ('
    '"id" char(32) NOT NULL PRIMARY KEY, '
    '"side" varchar(16) NOT NULL, '
    '"submitted_on" date NOT NULL, '
    '"answers" text NOT NULL CHECK ((JSON_VALID("answers") OR "answers" IS NULL)), '
    '"department_id" bigint NULL REFERENCES "core_department" ("id") DEFERRABLE INITIALLY DEFERRED, '
    '"organization_id" bigint NOT NULL REFERENCES "core_organization" ("id") DEFERRABLE INITIALLY DEFERRED, '
    '"campaign_id" bigint NOT NULL REFERENCES "surveys_campaign" ("id") DEFERRABLE INITIALLY DEFERRED'
    "){options}"
)
INDEXES = [
    f'CREATE INDEX "surveys_surveyresponse_department_id_52ca4a90" ON "{TABLE}" ("department_id")',
    f'CREATE INDEX "surveys_surveyresponse_organization_id_393ef515" ON "{TABLE}" ("organization_id")',
    f'CREATE INDEX "surveys_sur_campaig_379fd7_idx" ON "{TABLE}" ("campaign_id", "side")',
]
# PostgreSQL: every row deleted and written back in key order by one statement.
REWRITE = f"""
    WITH moved AS (DELETE FROM "{TABLE}" RETURNING *)
    INSERT INTO "{TABLE}" SELECT * FROM moved ORDER BY "id"
"""  # noqa: S608 (constant names)


def _run(schema_editor: Any, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def _rebuild(schema_editor: Any, options: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        (secure_delete,) = cursor.execute("PRAGMA secure_delete").fetchone()
    _run(
        schema_editor,
        [
            CREATE.format(name=NEW, options=options),
            f'INSERT INTO "{NEW}" ({COLUMNS}) SELECT {COLUMNS} FROM "{TABLE}" ORDER BY "id"',  # noqa: S608
            "PRAGMA secure_delete = ON",
            f'DROP TABLE "{TABLE}"',
            f"PRAGMA secure_delete = {int(secure_delete)}",
            f'ALTER TABLE "{NEW}" RENAME TO "{TABLE}"',
            *INDEXES,
        ],
    )


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _rebuild(schema_editor, " WITHOUT ROWID")
    elif vendor == "postgresql":
        _run(schema_editor, [REWRITE])


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_response_campaign_index_in_pair")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
