from __future__ import annotations

from django.urls import path

from ejamkesda.services import views_claims, views_other, views_reports, views_sjp

app_name = "services"
urlpatterns = [
    path("sjp/", views_sjp.sjp_list, name="sjp_list"),
    path("sjp/baru/", views_sjp.sjp_new, name="sjp_new"),
    path("sjp/<int:pk>/", views_sjp.sjp_detail, name="sjp_detail"),
    path("sjp/<int:pk>/keputusan/", views_sjp.sjp_decide, name="sjp_decide"),
    path("sjp/<int:pk>/surat.pdf", views_sjp.sjp_pdf, name="sjp_pdf"),
    path("sjp/<int:sjp_pk>/klaim-baru/", views_claims.claim_new, name="claim_new"),
    # Public (anonymous) page reached by scanning the QR code on the letter: validity only.
    path("verifikasi-sjp/<str:token>/", views_sjp.sjp_verify, name="sjp_verify"),
    path("icd10/", views_sjp.icd_search, name="icd_search"),
    path("klaim/", views_claims.claim_list, name="claim_list"),
    path("klaim/unggah/", views_claims.claim_bulk, name="claim_bulk"),
    path("klaim/<int:pk>/", views_claims.claim_detail, name="claim_detail"),
    path("klaim/<int:pk>/keputusan/", views_claims.claim_decide, name="claim_decide"),
    path("klaim/<int:pk>/ajukan-ulang/", views_claims.claim_resubmit_view, name="claim_resubmit"),
    path("klaim/<int:pk>/lampiran/<int:attachment_pk>/", views_claims.claim_attachment, name="claim_attachment"),
    path("rujukan/", views_other.referral_list, name="referral_list"),
    path("rujukan/baru/", views_other.referral_new, name="referral_new"),
    path("rujukan/<int:pk>/", views_other.referral_detail, name="referral_detail"),
    path("rujukan/<int:pk>/jawab/", views_other.referral_respond, name="referral_respond"),
    path("tarif/", views_other.tariff_list, name="tariff_list"),
    path("tarif/impor/", views_other.tariff_import, name="tariff_import"),
    path("tarif/<int:pk>/", views_other.tariff_detail, name="tariff_detail"),
    path("pembayaran/", views_other.payment_list, name="payment_list"),
    path("pembayaran/baru/", views_other.payment_create, name="payment_create"),
    path("pembayaran/<int:pk>/", views_other.payment_detail, name="payment_detail"),
    path("pembayaran/<int:pk>/setujui/", views_other.payment_approve, name="payment_approve"),
    path("pembayaran/<int:pk>/transfer.csv", views_other.payment_transfer_csv, name="payment_transfer_csv"),
    path("pembayaran/<int:pk>/dibayar/", views_other.payment_mark_paid, name="payment_mark_paid"),
    path("laporan/", views_reports.claim_reports, name="reports"),
]
