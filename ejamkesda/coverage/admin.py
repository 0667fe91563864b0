from __future__ import annotations

from django.contrib import admin

from ejamkesda.coverage.models import InstructionTask, MatchReview, PremiumRate, SectorList, Snapshot


@admin.register(SectorList)
class SectorListAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "sector", "instruction_point"]
    list_filter = ["sector", "agency"]


@admin.register(InstructionTask)
class InstructionTaskAdmin(admin.ModelAdmin):
    list_display = ["instruction", "point", "letter", "agency", "progress_percent", "active"]
    list_filter = ["instruction", "agency", "active"]
    search_fields = ["text", "addressee"]


@admin.register(PremiumRate)
class PremiumRateAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "monthly_rupiah", "source"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["kind", "as_of", "sector_list", "status", "rows_saved", "error_count"]
    list_filter = ["kind", "status"]
    readonly_fields = ["errors"]


@admin.register(MatchReview)
class MatchReviewAdmin(admin.ModelAdmin):
    list_display = ["card_number", "score", "method", "decision", "decided_by"]
    list_filter = ["decision"]
    readonly_fields = ["card_number", "resident_nik", "score", "method", "reasons"]
