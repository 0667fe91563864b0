"""``manage.py bpjs_fake_server [--port 8099]``: the fake BPJS VClaim/PCare server for the demo.

It answers for the JKN memberships in the local database (so the demo shows live
look-ups), plus any extra participant. Point the app at it with BPJS_VCLAIM_URL=
http://127.0.0.1:PORT/vclaim, BPJS_PCARE_URL=…/pcare and the printed credentials.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ejamkesda.bpjs.fake_server import FakeBpjsServer, FakeBpjsState, FakeParticipant
from ejamkesda.participants.models import Membership, MembershipStatus, Programme


class Command(BaseCommand):
    help = "Menjalankan server tiruan BPJS (VClaim/PCare) di 127.0.0.1 untuk demo dan uji."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8099)
        parser.add_argument("--cons-id", default="12345")
        parser.add_argument("--secret", default="rahasia-fake")
        parser.add_argument("--user-key", default="kunci-fake")
        parser.add_argument("--limit", type=int, default=50_000, help="jumlah peserta JKN dari basis data")

    def handle(self, *args: Any, **options: Any) -> None:
        state = FakeBpjsState(cons_id=options["cons_id"], secret=options["secret"], user_key=options["user_key"])
        rows = (
            Membership.objects.filter(programme=Programme.JKN)
            .exclude(card_number="")
            .select_related("person")
            .order_by("id")[: options["limit"]]
        )
        for m in rows:
            state.participants.append(
                FakeParticipant(
                    card_number=m.card_number,
                    nik=m.person.nik,
                    name=m.person.name.upper(),
                    sex=m.person.sex,
                    birth_date=m.person.birth_date.isoformat(),
                    active=m.status == MembershipStatus.ACTIVE,
                    segment_text=m.get_segment_display() if m.segment else "",
                    care_class=m.care_class or 3,
                    provider_code=m.first_level_provider_code,
                )
            )
        server = FakeBpjsServer(state, port=options["port"]).start()
        self.stdout.write(f"Server tiruan BPJS berjalan di {server.base_url} ({len(state.participants)} peserta).")
        self.stdout.write(f"BPJS_VCLAIM_URL={server.vclaim_url} BPJS_PCARE_URL={server.pcare_url}")
        self.stdout.write(f"BPJS_CONS_ID={state.cons_id} BPJS_SECRET={state.secret} BPJS_USER_KEY={state.user_key}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            server.stop()
