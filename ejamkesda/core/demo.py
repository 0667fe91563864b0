"""Demo-data hook. ``manage.py seed_demo`` first creates regions, providers, people,
memberships and one demo user per role, then calls ``seed(context)`` in each app's
optional ``demo.py`` module (in INSTALLED_APPS order), so every domain adds its own
synthetic data. Demo data exists only when ``seed_demo`` is run: a production install
creates none.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    rng: random.Random  # deterministic for a given --seed
    faker: Any  # faker.Faker("id_ID"), seeded
    regency_code: str  # settings.REGENCY_CODE, e.g. "64.09"
    # username → User, one per role: demo_admin, demo_verifikator, demo_ppk, demo_bendahara,
    # demo_opd, demo_pimpinan (and demo_ppk_rs for a hospital operator)
    users: dict[str, Any] = field(default_factory=dict)
    providers: list[Any] = field(default_factory=list)  # providers.Provider, every district has some
    agencies: list[Any] = field(default_factory=list)  # accounts.Agency
    person_ids: list[int] = field(default_factory=list)  # participants.Person ids
    log: Any = print  # callable(str) for progress lines
