from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ejamkesda.coverage.views import dashboard, data, matching, pbi, people, premium, tasks

app_name = "coverage"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard, name="dashboard"),
    path("publik/", dashboard.public, name="public"),
    path("hitung/", dashboard.compute, name="compute"),
    path("hitung/<int:pk>/", dashboard.compute_run, name="compute_run"),
    path("hitung/<int:pk>/progres/", dashboard.compute_progress, name="compute_progress"),
    path("wilayah/<str:code>/", dashboard.area, name="area"),
    path("wilayah/<str:code>/warga/", people.village_residents, name="village_residents"),
    path("nonaktif/", people.inactive, name="inactive"),
    path("tindak-lanjut/<str:kind>/<int:pk>/", people.follow_up, name="follow_up"),
    path("impor/", data.imports, name="imports"),
    path("impor/<int:pk>/", data.snapshot, name="snapshot"),
    path("daftar/", data.sector_lists, name="sector_lists"),
    path("daftar/unggah/", data.sector_upload, name="sector_upload"),
    path("daftar/<int:pk>/", data.sector_list, name="sector_list"),
    path("daftar/<int:pk>/belum-aktif/", people.sector_people, name="sector_people"),
    path("pemadanan/", matching.review_queue, name="review_queue"),
    path("pemadanan/<int:pk>/", matching.review_decide, name="review_decide"),
    path("pbi/", pbi.pbi_index, name="pbi_index"),
    path("pbi/desa/<str:code>/", pbi.pbi_village, name="pbi_village"),
    path("pbi/usulan/", pbi.proposals, name="proposals"),
    path("pbi/usulan/buat/", pbi.proposals_generate, name="proposals_generate"),
    path("pbi/usulan/<int:pk>/", pbi.proposal_detail, name="proposal"),
    path("pbi/usulan/<int:pk>/putuskan/", pbi.proposal_decide, name="proposal_decide"),
    path("iuran/", premium.premium, name="premium"),
    path("iuran/tarif/", premium.rate_add, name="rate_add"),
    path("iuran/bantuan/", premium.subsidy_add, name="subsidy_add"),
    path("iuran/tagihan/baru/", premium.bill_add, name="bill_add"),
    path("iuran/tagihan/<int:pk>/", premium.bill, name="bill"),
    path("iuran/tagihan/<int:pk>/bayar/", premium.payment_add, name="payment_add"),
    path("tugas/", tasks.task_list, name="tasks"),
    path("tugas/<int:pk>/", tasks.task_detail, name="task"),
    path("tugas/bukti/<int:pk>/", tasks.evidence, name="evidence"),
]
