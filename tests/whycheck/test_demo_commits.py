"""The demo's seeding with real commits, so its on-commit hooks run. A module of its own: the other
demo tests (``test_demo.py``) share one seeded demo inside a transaction no commit can leave."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=True)  # real commits, so the seeding's on-commit hooks run
def test_the_demo_queues_no_e_mails_about_its_backdated_history() -> None:
    from django_tasks_db.models import DBTaskResult

    from tandem.core.demo import demo_seed

    demo_seed(password="x" * 16)
    assert not DBTaskResult.objects.filter(status="READY").exists()
