"""Labels written in the pure-Python rules, marked here for translation.

`ejamkesda/rules/` keeps the Indonesian wording of states and reasons next to the rules and
cannot import Django, so the apps translate them at run time (e.g. services/models.py:
``_(CLAIM_STATE_LABELS[state])``). makemessages cannot see such dynamic calls; the literal
strings are repeated here with ``gettext_noop`` so that they land in the core catalogue.
``tests/i18n/test_rule_labels.py`` fails when a label in the rules is missing here.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

RULE_LABELS: tuple[str, ...] = (
    # rules/claims.py SERVICE_KIND_LABELS
    gettext_noop("Rawat jalan"),
    gettext_noop("Rawat inap"),
    gettext_noop("Gawat darurat"),
    gettext_noop("Persalinan"),
    # rules/claims.py CLAIM_STATE_LABELS
    gettext_noop("Diajukan"),
    gettext_noop("Dikembalikan untuk perbaikan"),
    gettext_noop("Disetujui"),
    gettext_noop("Disetujui dengan penyesuaian"),
    gettext_noop("Ditolak"),
    gettext_noop("Dalam proses pembayaran"),
    gettext_noop("Dibayar"),
    # rules/claims.py REJECT_REASONS
    gettext_noop("Pasien bukan peserta Jamkesda aktif pada tanggal pelayanan"),
    gettext_noop("Pasien peserta JKN aktif; klaim diajukan ke BPJS Kesehatan"),
    gettext_noop("SJP tidak sah atau tidak sesuai dengan pelayanan"),
    gettext_noop("Klaim ganda untuk pasien dan tanggal yang sama"),
    gettext_noop("Pelayanan di luar manfaat Jamkesda"),
    gettext_noop("Klaim melewati batas waktu pengajuan"),
    gettext_noop("Alasan lain (lihat catatan verifikator)"),
    # rules/claims.py ATTACHMENT_KINDS
    gettext_noop("Rincian biaya / kuitansi"),
    gettext_noop("Resume medis"),
    gettext_noop("Surat rujukan"),
    gettext_noop("Lainnya"),
)
