from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from ejamkesda.funds import run_views, spending_views, views

app_name = "funds"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", run_views.run_list, name="index"),
    path("pembagian/baru/", run_views.run_create, name="run_create"),
    path("pembagian/<int:pk>/", run_views.run_detail, name="run_detail"),
    path("pembagian/<int:pk>/aksi/", run_views.run_action, name="run_action"),
    path("pembagian/<int:pk>/slip.pdf", run_views.run_slips, name="run_slips"),
    path("pembagian/<int:pk>/slip/<int:line_pk>.pdf", run_views.run_slips, name="run_slip"),
    path("pembagian/<int:pk>/rekap.pdf", run_views.run_recap_pdf, name="run_recap_pdf"),
    path("pembagian/<int:pk>/rekap.xlsx", run_views.run_recap_xlsx, name="run_recap_xlsx"),
    path("pembagian/<int:pk>/transfer.csv", run_views.run_bank_csv, name="run_bank_csv"),
    path("pegawai/", views.staff_list, name="staff_list"),
    path("pegawai/baru/", views.staff_edit, name="staff_create"),
    path("pegawai/impor/", views.staff_import, name="staff_import"),
    path("pegawai/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("pegawai/<int:pk>/ubah/", views.staff_edit, name="staff_edit"),
    path("kehadiran/unggah/", views.attendance_upload, name="attendance_upload"),
    path("kehadiran/templat.xlsx", views.attendance_template, name="attendance_template"),
    path("kehadiran/isian/", views.attendance_grid, name="attendance_grid"),
    path("kasus/", views.cases_grid, name="cases_grid"),
    path("penerimaan/", views.receipt_list, name="receipt_list"),
    path("penerimaan/baru/", views.receipt_create, name="receipt_create"),
    path("penerimaan/<int:pk>/", views.receipt_detail, name="receipt_detail"),
    path("penerimaan/<int:pk>/setor/", spending_views.receipt_deposit, name="receipt_deposit"),
    path("anggaran/", spending_views.budget, name="budget"),
    path("anggaran/pagu/", spending_views.budget_line_create, name="budget_line_create"),
    path("anggaran/sisa/", spending_views.carry_over, name="carry_over"),
    path("anggaran/pagu/<int:pk>/belanja/", spending_views.line_spend, name="line_spend"),
    path("anggaran/pesanan/<int:pk>/", spending_views.order_detail, name="order_detail"),
    path("anggaran/pesanan/<int:pk>/aksi/", spending_views.order_action, name="order_action"),
    path("anggaran/pesanan/<int:pk>/bukti/", spending_views.order_proof, name="order_proof"),
    path("anggaran/belanja/<int:pk>/bukti/", spending_views.expense_proof, name="expense_proof"),
    path("pengadaan/", spending_views.procurement_home, name="procurement"),
    path("profil/", views.profile_list, name="profile_list"),
    path("profil/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("profil/<int:pk>/salin/", views.profile_edit, name="profile_edit"),
]
