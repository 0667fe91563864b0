"""Pagination that stays fast on very large tables (a million claims).

Django's paginator counts every matching row (``SELECT COUNT(*)``), which grows with the
table. ``CappedPaginator`` counts at most ``cap`` rows (``COUNT`` over a ``LIMIT`` subquery);
beyond that the page shows "lebih dari N" and users narrow the list with the filters.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

ROW_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, cap: int = ROW_CAP, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # No ORDER BY in the count: the database may stop after any cap+1 index entries.
        queryset: Any = self.object_list
        return int(queryset.order_by()[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap
