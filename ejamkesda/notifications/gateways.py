"""Pluggable SMS/WhatsApp gateway: one can be plugged in later (docs/layanan-ppk-dan-verifikasi.md).

A gateway is any class with ``send(*, to: str, body: str) -> None`` that raises on failure.
Configure it with ``NOTIFICATION_GATEWAY=dotted.path.ClassName`` (see ``conf.py``); the
class is built without arguments and should read its own credentials from the environment.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.utils.module_loading import import_string

from ejamkesda.notifications import conf

logger = logging.getLogger(__name__)


class MessageGateway(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class ConsoleGateway:
    """Development gateway: logs that a message would be sent (the number is masked)."""

    def send(self, *, to: str, body: str) -> None:
        masked = ("*" * max(len(to) - 3, 0)) + to[-3:]
        logger.info("SMS/WA ke %s: %s", masked, body[:160])


class MemoryGateway:
    """Test gateway: keeps every message in ``MemoryGateway.outbox``."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, to: str, body: str) -> None:
        MemoryGateway.outbox.append((to, body))


def get_gateway() -> MessageGateway | None:
    path = conf.gateway_path()
    if not path:
        return None
    gateway_class = import_string(path)
    gateway: MessageGateway = gateway_class()
    return gateway
