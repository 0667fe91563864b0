"""The internal application's menu. Each domain registers its entries here, by role.

The menu is shown grouped by task (``GROUPS``: Kepesertaan, Layanan PPK, Dana, Cakupan UHC,
Administrasi); a role sees only the entries registered for it, and a group with no entry
for the role is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

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


# Task groups, in menu order; an entry goes to the group of its URL name, else of its namespace.
GROUP_LABELS = {
    "kepesertaan": _("Kepesertaan"),
    "layanan": _("Layanan PPK"),
    "dana": _("Dana"),
    "cakupan": _("Cakupan UHC"),
    "administrasi": _("Administrasi"),
}
GROUPS = {
    "participants": "kepesertaan",
    "enrolment": "kepesertaan",
    "complaints": "kepesertaan",
    "services": "layanan",
    "providers": "layanan",
    "services:payment_list": "dana",
    "funds": "dana",
    "coverage:premium": "dana",
    "coverage:receivables": "dana",
    "coverage": "cakupan",
    "accounts": "administrasi",
    "audit": "administrasi",
    "api_tokens": "administrasi",
    "jobs": "administrasi",
    "privacy": "administrasi",
    "notifications": "administrasi",
}


def group_of(url_name: str) -> str:
    return GROUPS.get(url_name) or GROUPS.get(url_name.partition(":")[0], "administrasi")


def menu_groups_for(user: Any) -> list[dict[str, Any]]:
    """The user's menu by task group: ``[{"key", "label", "items": [{"label", "url"}]}]``."""
    grouped: dict[str, list[dict[str, str]]] = {key: [] for key in GROUP_LABELS}
    for entry in _ENTRIES:
        if not user_has_role(user, entry.roles):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        grouped[group_of(entry.url_name)].append({"label": str(entry.label), "url": url})
    return [{"key": key, "label": str(GROUP_LABELS[key]), "items": items} for key, items in grouped.items() if items]


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
