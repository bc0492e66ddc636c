"""Social Match's records (docs/social.md): staged source rows, screening
rules and their matches, the households targeted per subdistrict, and case
management."""

from saduak.social.models.cases import (
    Agency,
    Assessment,
    Case,
    FollowUp,
    PlanStep,
    Referral,
)
from saduak.social.models.screening import PersonMatch, Rule, RuleSet, ScreeningRun
from saduak.social.models.sources import SourceImport, StagedPerson
from saduak.social.models.targeting import (
    CommunityForum,
    ServiceRecord,
    TargetHousehold,
    TargetingCounts,
)

__all__ = [
    "Agency",
    "Assessment",
    "Case",
    "CommunityForum",
    "FollowUp",
    "PersonMatch",
    "PlanStep",
    "Referral",
    "Rule",
    "RuleSet",
    "ScreeningRun",
    "ServiceRecord",
    "SourceImport",
    "StagedPerson",
    "TargetHousehold",
    "TargetingCounts",
]
