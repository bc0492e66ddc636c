"""The facts a source can tell about a person, one typed column each on
`StagedPerson`. Imports map a source's columns onto them (layouts.py), and a
screening rule's conditions name them (rules.py checks a rule against this
list, so a rule that names an unknown field or an operator that does not fit
the field's type is refused before it is saved)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from saduak.social.choices import Housing

INTEGER = "integer"
BOOLEAN = "boolean"
CHOICE = "choice"

# The operators a condition may use, per type of fact. "missing" is true when
# the source says nothing about the fact (an empty cell).
OPERATORS: dict[str, tuple[str, ...]] = {
    INTEGER: ("lt", "le", "eq", "ge", "gt", "missing"),
    BOOLEAN: ("is_true", "is_false", "missing"),
    CHOICE: ("in", "missing"),
}


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str
    label: str | Promise
    choices: tuple[str, ...] = ()


FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in (
        Fact("monthly_income", INTEGER, _("Monthly income (THB)")),
        Fact("health_problem", BOOLEAN, _("Has a health problem")),
        Fact("newborn", BOOLEAN, _("Newborn dependant")),
        Fact("disabled", BOOLEAN, _("Person with a disability")),
        Fact("elderly", BOOLEAN, _("Elderly dependant")),
        Fact("chronically_ill", BOOLEAN, _("Sick or chronically ill dependant")),
        Fact(
            "housing", CHOICE, _("Housing"), tuple(choice.value for choice in Housing)
        ),
        Fact("has_welfare_card", BOOLEAN, _("Holds a state welfare card")),
        Fact("welfare_access", BOOLEAN, _("Has access to welfare")),
        # The five TPMAP-style dimensions: true when the person is deprived in it.
        Fact("lacks_health", BOOLEAN, _("Deprived in health")),
        Fact("lacks_living", BOOLEAN, _("Deprived in living conditions")),
        Fact("lacks_education", BOOLEAN, _("Deprived in education")),
        Fact("lacks_income", BOOLEAN, _("Deprived in income")),
        Fact("lacks_access", BOOLEAN, _("Deprived in access to public services")),
    )
}


def fact_value_shown(name: str, value: object) -> str:
    """A fact's value as a page shows it: yes/no, the housing label, an
    amount with thousands separators."""
    if isinstance(value, bool):
        return gettext_now("yes") if value else gettext_now("no")
    if name == "housing":
        return str(Housing(value).label) if value in Housing.values else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
