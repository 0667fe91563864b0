"""The public information pages (Perbup PPU 29/2016 Pasal 7 ayat 2: aplikasi umum for everyone)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class InfoPage:
    slug: str
    title: str | Promise
    summary: str | Promise

    @property
    def template(self) -> str:
        return f"portal/info/{self.slug}.html"


INFO_PAGES: tuple[InfoPage, ...] = (
    InfoPage(
        "jamkesda", _("Apa itu Jamkesda?"), _("Jaminan kesehatan dari pemerintah daerah dan hubungannya dengan JKN.")
    ),
    InfoPage("syarat", _("Siapa yang berhak?"), _("Syarat warga yang dapat dijamin Jamkesda.")),
    InfoPage("cara-daftar", _("Cara mendaftar"), _("Langkah dan dokumen untuk mengajukan kepesertaan.")),
    InfoPage("segmen-jkn", _("Segmen peserta JKN"), _("PBI APBN, PBPU/BP Pemda, PPU, PBPU, dan BP dijelaskan.")),
    InfoPage("kontak", _("Kontak"), _("Alamat, telepon, dan jam layanan UPT Jamkesda.")),
)


def info_page(slug: str) -> InfoPage | None:
    return next((page for page in INFO_PAGES if page.slug == slug), None)
