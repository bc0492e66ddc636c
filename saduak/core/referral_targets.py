"""Where a case plan can send a citizen: an e-service application started on
their behalf through the "referral" channel (docs/social.md, "Case
management").

The service apps do not import each other (docs/layout.md, section 8.7), so
the app that takes applications (eservices) registers its target here from
its AppConfig.ready (`eservices/referral_target.py`), and the app that refers
(social) looks it up. The functions take and give plain values (a service
code, users, an office, a reference), never the target app's models."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class ReferralService:
    """A service whose applications a referral may start."""

    code: str
    name: str | Promise


@dataclass(frozen=True)
class ReferralTarget:
    # The services a referral may start an application for, by name.
    services: Callable[[], list[ReferralService]]
    # Whether an office (areas.Office) takes applications for the service.
    office_takes: Callable[[str, Any], bool]
    # Starts an application: (service_code, applicant, office, actor,
    # referral_agency) -> the application's reference. Raises the target's
    # own refusals (saduak.core.errors).
    start: Callable[..., str]
    # The URL name of the officers' page of an application, taking its
    # reference.
    url_name: str


_TARGET: dict[str, ReferralTarget] = {}


def referral_target_register(target: ReferralTarget) -> None:
    """Called from an app's ready(); a second registration replaces the first
    (module reloads in tests)."""
    _TARGET["application"] = target


def referral_target() -> ReferralTarget | None:
    """The registered target, or None when no app takes referrals."""
    return _TARGET.get("application")
