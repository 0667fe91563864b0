"""Demo data: an API token for the demo hospital operator, printed once in the seed log."""

from __future__ import annotations

from ejamkesda.api.tokens import token_create
from ejamkesda.core.demo import DemoContext


def seed(context: DemoContext) -> None:
    user = context.users.get("demo_ppk_rs") or context.users.get("demo_ppk")
    if user is None:
        return
    _token, raw = token_create(user=user, name="SIMRS demo")
    context.log(f"Token API demo untuk {user.username} (hanya ditampilkan sekali): {raw}")
