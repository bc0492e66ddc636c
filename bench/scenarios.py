"""The scenario registry. A scenario is a name, the request paths its clients cycle
through, and an optional setup run against the live server before it is measured.

Add one with `register(Scenario(...))` in this module (or in a module imported here).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

BASELINE = "ping"
PING_PATH = "/healthz/ping"


@dataclass(frozen=True)
class SetupContext:
    """What a scenario's setup may use: the server's address and `manage.py` with
    the server's environment (same database)."""

    base_url: str
    manage: Callable[..., str]
    env: Mapping[str, str] = field(default_factory=dict)


# A setup may return extra request headers (a session cookie, a token) for its load.
Setup = Callable[[SetupContext], Mapping[str, str] | None]


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: Callable[[], list[str]]
    setup: Setup | None = None
    description: str = ""


SCENARIOS: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    if scenario.name in SCENARIOS:
        raise ValueError(f"scenario {scenario.name!r} is already registered")
    SCENARIOS[scenario.name] = scenario
    return scenario


def resolve(names: list[str]) -> list[Scenario]:
    """The scenarios to run, in order, with the baseline first exactly once."""
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        known = ", ".join(sorted(SCENARIOS))
        raise ValueError(f"unknown scenario(s) {', '.join(unknown)}; known: {known}")
    ordered = [BASELINE, *(name for name in names if name != BASELINE)]
    return [SCENARIOS[name] for name in dict.fromkeys(ordered)]


AREA_TERMS = ["เชียง", "Mueang", "บาง", "Khon", "สุ", "นคร", "Bang", "ลำ"]


def area_search_paths() -> list[str]:
    return [f"/api/v1/areas/search?{urlencode({'q': term})}" for term in AREA_TERMS]


register(
    Scenario(
        name=BASELINE,
        paths=lambda: [PING_PATH],
        description="trivial endpoint; every other scenario is compared with it",
    )
)
register(
    Scenario(
        name="area_search",
        paths=area_search_paths,
        description="area search by Thai and English name fragments (JSON API)",
    )
)
