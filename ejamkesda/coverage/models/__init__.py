"""Coverage (UHC) domain: dated snapshots of external lists, coverage figures, follow-up,
PBI lists and proposals, premiums and the regent's instruction checklist (Instruksi Bupati Tegal 379/2022)."""

from ejamkesda.coverage.models.changes import PbiChange, PbiChangeKind, PbiChangeReason, PbiChangeRun
from ejamkesda.coverage.models.compute import ComputeRun
from ejamkesda.coverage.models.data import (
    MembershipRecord,
    PopulationRecord,
    Sector,
    SectorEntry,
    SectorList,
    Snapshot,
    SnapshotKind,
    WelfareRecord,
)
from ejamkesda.coverage.models.delivery import VillageListDelivery
from ejamkesda.coverage.models.duplicates import SectorDuplicate
from ejamkesda.coverage.models.figures import CoveragePeriod, CoverageStat, SectorStat
from ejamkesda.coverage.models.followup import FollowUp, FollowUpStatus, PbiProposal, PbiProposalEvent
from ejamkesda.coverage.models.matching import MatchReview
from ejamkesda.coverage.models.premium import (
    PremiumBill,
    PremiumBillLine,
    PremiumPayment,
    PremiumRate,
    PremiumSubsidyRate,
)
from ejamkesda.coverage.models.receivables import CollectionAttempt, ReceivableHandover, ReceivableWriteOff
from ejamkesda.coverage.models.tasks import InstructionTask, TaskProgress

__all__ = [
    "CollectionAttempt",
    "ComputeRun",
    "CoveragePeriod",
    "CoverageStat",
    "FollowUp",
    "FollowUpStatus",
    "InstructionTask",
    "MatchReview",
    "MembershipRecord",
    "PbiChange",
    "PbiChangeKind",
    "PbiChangeReason",
    "PbiChangeRun",
    "PbiProposal",
    "PbiProposalEvent",
    "PopulationRecord",
    "PremiumBill",
    "PremiumBillLine",
    "PremiumPayment",
    "PremiumRate",
    "PremiumSubsidyRate",
    "ReceivableHandover",
    "ReceivableWriteOff",
    "Sector",
    "SectorDuplicate",
    "SectorEntry",
    "SectorList",
    "SectorStat",
    "Snapshot",
    "SnapshotKind",
    "TaskProgress",
    "VillageListDelivery",
    "WelfareRecord",
]
