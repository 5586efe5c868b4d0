"""SQLite under concurrent writers: WAL, immediate transactions and a busy timeout mean
writers wait their turn; "database is locked" never surfaces."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tandem.core import services
from tandem.core.models import Department, Organization
from tests.conftest import Personas

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-specific behaviour")


def test_the_database_runs_in_wal_mode_with_a_busy_timeout(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]  # SQLite only


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_writers_all_succeed(personas: Personas) -> None:
    errors: list[BaseException] = []
    threads_n, writes = 8, 15

    def writer(n: int) -> None:
        try:
            for i in range(writes):
                services.department_create(org=personas.org, actor=personas.admin, name=f"Team {n}-{i}")
                # Reads, then writes, in one transaction: the pattern that fails with
                # "database is locked" when SQLite transactions start deferred.
                services.organization_create(name=f"Org {n}-{i}", owner=personas.admin.user)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (
        Department.objects.for_org(personas.org).filter(name__startswith="Team ").count()
        == threads_n * writes
    )
    assert Organization.objects.filter(name__startswith="Org ").count() == threads_n * writes
