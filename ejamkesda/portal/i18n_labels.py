"""Labels from other apps' models that the public portal shows, so that the portal's
English catalogue (``portal/locale/en``) carries their translations too. Never imported
at run time; ``makemessages`` reads it.
"""

from django.utils.translation import gettext_noop as _

LABELS = (
    # participants.Programme / Segment / MembershipStatus
    _("Jamkesda"),
    _("JKN"),
    _("PBI APBN"),
    _("PBPU/BP Pemda"),
    _("PPU (pekerja penerima upah)"),
    _("PBPU (pekerja bukan penerima upah)"),
    _("BP (bukan pekerja)"),
    _("Aktif"),
    _("Tidak aktif"),
    _("Menunggak"),
    _("Ditangguhkan"),
    _("Berakhir"),
    # providers.Provider.Kind / Level
    _("Puskesmas"),
    _("Rumah sakit"),
    _("Klinik"),
    _("Praktik dokter"),
    _("Laboratorium"),
    _("Apotek"),
    _("FKTP (tingkat pertama)"),
    _("FKRTL (rujukan tingkat lanjut)"),
    # core navigation / base template strings seen on public pages
    _("Masuk petugas"),
    _("Lewati ke konten"),
    _("Menu utama"),
    _("Bahasa"),
    _("Halaman"),
    _("Sebelumnya"),
    _("Berikutnya"),
    _("Halaman %(n)s dari %(total)s"),
    # settings.PORTAL_OFFICE_HOURS default, translated by portal.views.info_detail
    _("Senin–Jumat, 08.00–16.00"),
)
