"""A screening rule's conditions and sources, checked against the facts a
source can give (facts.FACTS) and the five sources (SourceKind) before a rule
is saved (docs/social.md, "Rules and screening").

A rule's `conditions` is a list of groups, each a list of conditions:

    [[{"field": "monthly_income", "op": "lt", "value": 3000}],
     [{"field": "monthly_income", "op": "missing"}]]

One source's row meets the rule when ALL the conditions of ANY group hold on
it (OR of ANDs), so "income under 3,000 or none" is two groups. A flat list of
conditions is accepted as one group. "missing" holds when the source says
nothing about the fact (an empty cell); it takes no value.

The same conditions are compiled to a Q for the screening's SQL
(`conditions_q`) and evaluated on one row in Python to explain a match
(`condition_holds`, selectors/screening.py); tests keep the two equal."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput
from saduak.social.choices import SourceKind
from saduak.social.facts import BOOLEAN, CHOICE, FACTS, INTEGER, OPERATORS
from saduak.social.layouts import LAYOUTS

Condition = dict[str, Any]
Groups = list[list[Condition]]

MAX_GROUPS = 10
MAX_CONDITIONS = 10
INCOME_LIMIT = 10_000_000

# What each operator means as a lookup on the fact's column.
_LOOKUPS = {"lt": "lt", "le": "lte", "eq": "exact", "ge": "gte", "gt": "gt"}


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="conditions")


def _where(group: int, index: int, groups: int) -> str:
    if groups == 1:
        return _("Condition %(index)d") % {"index": index}
    return _("Condition %(index)d of group %(group)d") % {
        "index": index,
        "group": group,
    }


def condition_clean(raw: Any, *, where: str) -> Condition:
    """One condition, checked and in its stored form; `where` names it in the
    refusal ("Condition 2 of group 1")."""
    if not isinstance(raw, Mapping):
        raise _refuse(
            _('%(where)s must be an object with "field", "op" and "value".')
            % {"where": where}
        )
    unknown_keys = set(raw) - {"field", "op", "value"}
    if unknown_keys:
        raise _refuse(
            _("%(where)s has unknown keys: %(keys)s.")
            % {"where": where, "keys": ", ".join(sorted(map(str, unknown_keys)))}
        )
    field = raw.get("field")
    fact = FACTS.get(field) if isinstance(field, str) else None
    if fact is None:
        raise _refuse(
            _("%(where)s names an unknown field “%(field)s”. Known fields: %(known)s.")
            % {"where": where, "field": field, "known": ", ".join(FACTS)}
        )
    op = raw.get("op")
    allowed = OPERATORS[fact.kind]
    if op not in allowed:
        raise _refuse(
            _(
                "%(where)s: the operator “%(op)s” does not fit the field "
                "“%(field)s”. Use one of: %(allowed)s."
            )
            % {"where": where, "op": op, "field": field, "allowed": ", ".join(allowed)}
        )
    value = raw.get("value")
    if op in ("missing", "is_true", "is_false"):
        if value not in (None, "", True):
            raise _refuse(
                _("%(where)s: the operator “%(op)s” takes no value.")
                % {"where": where, "op": op}
            )
        return {"field": field, "op": op}
    if fact.kind == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refuse(
                _("%(where)s: the value of “%(field)s” must be a whole number.")
                % {"where": where, "field": field}
            )
        if not 0 <= value <= INCOME_LIMIT:
            raise _refuse(
                _("%(where)s: the value must be between 0 and %(limit)s.")
                % {"where": where, "limit": f"{INCOME_LIMIT:,}"}
            )
        return {"field": field, "op": op, "value": value}
    # CHOICE with "in": a non-empty list of the fact's choices.
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, str) for item in value)
    ):
        raise _refuse(
            _("%(where)s: the value of “%(field)s” must be a list of: %(choices)s.")
            % {"where": where, "field": field, "choices": ", ".join(fact.choices)}
        )
    unknown = [item for item in value if item not in fact.choices]
    if unknown:
        raise _refuse(
            _("%(where)s: “%(value)s” is not a value of “%(field)s”. Use: %(choices)s.")
            % {
                "where": where,
                "value": unknown[0],
                "field": field,
                "choices": ", ".join(fact.choices),
            }
        )
    return {"field": field, "op": op, "value": sorted(set(value))}


def conditions_clean(raw: Any) -> Groups:
    """The conditions of a rule as groups of conditions (a flat list is one
    group), or InvalidInput on `conditions` naming the condition at fault."""
    if not isinstance(raw, list) or not raw:
        raise _refuse(_("A rule needs at least one condition."))
    if not all(isinstance(item, list) for item in raw):
        # A flat list: one group (whose items condition_clean checks).
        raw = [raw]
    if len(raw) > MAX_GROUPS:
        raise _refuse(
            _("A rule has at most %(count)d groups of conditions.")
            % {"count": MAX_GROUPS}
        )
    groups: Groups = []
    for group_index, group in enumerate(raw, start=1):
        if not group:
            raise _refuse(
                _("Group %(group)d has no condition.") % {"group": group_index}
            )
        if len(group) > MAX_CONDITIONS:
            raise _refuse(
                _("A group has at most %(count)d conditions.")
                % {"count": MAX_CONDITIONS}
            )
        groups.append(
            [
                condition_clean(condition, where=_where(group_index, index, len(raw)))
                for index, condition in enumerate(group, start=1)
            ]
        )
    return groups


def sources_clean(raw: Any) -> list[str]:
    """The sources a rule trusts: a non-empty list of SourceKind values, in
    SourceKind's order."""
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidInput(_("Choose at least one source."), field="sources")
    known = {kind.value for kind in SourceKind}
    for item in raw:
        if item not in known:
            raise InvalidInput(
                _("“%(source)s” is not a source. Use: %(known)s.")
                % {"source": item, "known": ", ".join(known)},
                field="sources",
            )
    return [kind.value for kind in SourceKind if kind.value in raw]


def min_agree_clean(raw: Any, sources: Sequence[str]) -> int:
    """How many distinct trusted sources must agree: 1 to len(sources)."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidInput(_("Enter a whole number."), field="min_agree")
    if not 1 <= raw <= len(sources):
        raise InvalidInput(
            _("Between 1 and %(count)d sources must agree (the rule trusts %(count)d).")
            % {"count": len(sources)},
            field="min_agree",
        )
    return raw


def sources_give_check(groups: Groups, sources: Sequence[str], min_agree: int) -> None:
    """Refuses a rule that could never be met: a group of conditions whose
    fields fewer than `min_agree` of the trusted sources give (their file
    layouts have no such column, layouts.py). A "missing" condition holds on
    any source, so it needs no column."""
    given = {
        kind: {column.target for column in LAYOUTS[kind].facts} for kind in sources
    }
    for index, group in enumerate(groups, start=1):
        fields = {
            condition["field"] for condition in group if condition["op"] != "missing"
        }
        giving = [kind for kind in sources if fields <= given[kind]]
        if len(giving) < min_agree:
            raise InvalidInput(
                _(
                    "Group %(group)d can never be met: fewer than %(agree)d of the "
                    "trusted sources give %(fields)s. Trust a source whose file has "
                    "these columns."
                )
                % {
                    "group": index,
                    "agree": min_agree,
                    "fields": ", ".join(
                        str(FACTS[name].label) for name in sorted(fields)
                    ),
                },
                field="sources",
            )


def condition_q(condition: Condition) -> Q:
    """One checked condition as a filter on StagedPerson."""
    field, op = condition["field"], condition["op"]
    kind = FACTS[field].kind
    if op == "missing":
        return Q(**{field: ""}) if kind == CHOICE else Q(**{f"{field}__isnull": True})
    if op == "is_true":
        return Q(**{field: True})
    if op == "is_false":
        return Q(**{field: False})
    if op == "in":
        return Q(**{f"{field}__in": condition["value"]})
    return Q(**{f"{field}__{_LOOKUPS[op]}": condition["value"]})


def conditions_q(groups: Groups) -> Q:
    """A rule's checked conditions as one filter: any group, all of its
    conditions."""
    result = Q(pk__in=[])
    for group in groups:
        both = Q()
        for condition in group:
            both &= condition_q(condition)
        result |= both
    return result


def condition_holds(condition: Condition, row: Any) -> bool:
    """Whether one checked condition holds on a StagedPerson (what
    condition_q selects, said in Python for one row)."""
    field, op = condition["field"], condition["op"]
    value = getattr(row, field)
    if op == "missing":
        return value in (None, "")
    if value in (None, ""):
        return False
    if FACTS[field].kind == BOOLEAN:
        return bool(value) if op == "is_true" else not value
    if op == "in":
        return bool(value in condition["value"])
    wanted = condition["value"]
    return {
        "lt": value < wanted,
        "le": value <= wanted,
        "eq": value == wanted,
        "ge": value >= wanted,
        "gt": value > wanted,
    }[op]


def group_met(groups: Groups, row: Any) -> list[Condition] | None:
    """The first group of conditions that all hold on `row`, or None."""
    for group in groups:
        if all(condition_holds(condition, row) for condition in group):
            return group
    return None


_SIGNS = {"lt": "<", "le": "≤", "eq": "=", "ge": "≥", "gt": ">"}


def condition_text(condition: Condition) -> str:
    """One checked condition in words, for the rules page."""
    from saduak.social.choices import Housing

    fact = FACTS[condition["field"]]
    label = str(fact.label)
    op = condition["op"]
    if op == "missing":
        return _("%(fact)s: not given") % {"fact": label}
    if op == "is_true":
        return label
    if op == "is_false":
        return _("not: %(fact)s") % {"fact": label}
    if op == "in":
        names = {choice.value: str(choice.label) for choice in Housing}
        values = ", ".join(names.get(value, value) for value in condition["value"])
        return f"{label}: {values}"
    return f"{label} {_SIGNS[op]} {condition['value']:,}"


def conditions_text(groups: Groups) -> str:
    """A rule's checked conditions in words: the groups joined by "or", each
    group's conditions by "and"."""
    return _(" or ").join(
        _(" and ").join(condition_text(condition) for condition in group)
        for group in groups
    )
