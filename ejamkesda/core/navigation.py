"""The internal application's menu. Each domain registers its entries here, by role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from ejamkesda.core.permissions import user_has_role


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    roles: frozenset[str]


_ENTRIES: list[MenuEntry] = []
_PUBLIC_ENTRIES: list[MenuEntry] = []


def register_menu(label: str, url_name: str, roles: frozenset[str] | set[str]) -> None:
    if not any(entry.url_name == url_name for entry in _ENTRIES):
        _ENTRIES.append(MenuEntry(label=label, url_name=url_name, roles=frozenset(roles)))


def menu_for(user: Any) -> list[dict[str, str]]:
    items = []
    for entry in _ENTRIES:
        if not user_has_role(user, entry.roles):
            continue
        try:
            items.append({"label": str(entry.label), "url": reverse(entry.url_name)})
        except NoReverseMatch:
            continue
    return items


def register_public_menu(label: str, url_name: str) -> None:
    """An entry in the public portal's menu (aplikasi umum), shown to everyone."""
    if not any(entry.url_name == url_name for entry in _PUBLIC_ENTRIES):
        _PUBLIC_ENTRIES.append(MenuEntry(label=label, url_name=url_name, roles=frozenset()))


def public_menu() -> list[dict[str, str]]:
    items = []
    for entry in _PUBLIC_ENTRIES:
        try:
            items.append({"label": str(entry.label), "url": reverse(entry.url_name)})
        except NoReverseMatch:
            continue
    return items
