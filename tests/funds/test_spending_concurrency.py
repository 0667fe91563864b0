"""Two spends of the same pool at the same time: the pool's lines are locked, so the second
sees the first and is refused when together they would overspend the pool."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from ejamkesda.core.roles import Role
from ejamkesda.funds import services, spending
from ejamkesda.funds.models import BudgetLine, Expense
from tests.factories import ProviderFactory, user_with_role
from tests.funds.factories import stored_profile


@pytest.mark.django_db(transaction=True)
def test_concurrent_spends_of_one_pool_never_overspend(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL; SQLite serialises writers anyway")
    settings.MEDIA_ROOT = tmp_path
    provider = ProviderFactory()
    treasurer = user_with_role(Role.TREASURER, provider=provider)
    services.receipt_record(
        provider=provider, period=dt.date(2025, 1, 1), source="kapitasi", amount=1_000_000,
        profile=stored_profile("tanah-datar-29-2017"), received_on=dt.date(2025, 1, 1), actor=None,
    )  # fmt: skip
    # jasa sarana holds 400 000; two lines of 300 000 each would overspend it together.
    lines = [
        spending.budget_line_create(
            provider=provider,
            year=2025,
            pool_code="jasa_sarana",
            category=category,
            name=category,
            planned=300_000,
            actor=treasurer,
        )
        for category in ("obat", "perjalanan")
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def spend(line_pk: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            spending.expense_record(
                line=BudgetLine.objects.get(pk=line_pk), spent_on=dt.date(2025, 2, 1), description="belanja",
                amount=300_000, proof=SimpleUploadedFile("b.pdf", b"%PDF"), actor=treasurer,
            )  # fmt: skip
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=spend, args=(line.pk,)) for line in lines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Expense.objects.filter(line__provider=provider).count() == 1
    assert spending.pool_balance(provider=provider, year=2025, code="jasa_sarana").free == 100_000
