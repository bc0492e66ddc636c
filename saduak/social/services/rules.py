"""A year's screening rules (docs/social.md, "Rules and screening"): HQ makes
the year's rule set (empty, copied from the year before, or with the default
national rules of data/rules_default.json) and its national rules; a province
adds local rules for itself. Rules are data: each is checked by rules.py
against the facts and sources before it is saved.

Every service checks the actor first (`social.rules_edit`: a national rule or
a rule set needs a reach of everything, a local rule its province), refuses
bad input with InvalidInput on the field, and writes one `social.rule.*`
audit event with before and after in its transaction."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saduak.accounts.matrix import Action, Actor, action_reach, ensure_may
from saduak.accounts.models import User
from saduak.areas.models import Province
from saduak.audit.services import audit_record
from saduak.core.errors import Conflict, InvalidInput, PermissionDeniedError
from saduak.social.choices import Domain
from saduak.social.models import Rule, RuleSet
from saduak.social.rules import (
    conditions_clean,
    min_agree_clean,
    sources_clean,
    sources_give_check,
)

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "data" / "rules_default.json"
YEARS = range(2500, 2700)
LABEL_LIMIT = 200
KEY_LIMIT = 40
WEIGHT_LIMIT = 100


def _person(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def ensure_may_edit(user: Actor, province: Province | None) -> None:
    """Refuses unless `user` may change the national rules (province None:
    a reach of everything) or `province`'s local rules."""
    if province is not None:
        ensure_may(user, Action.SOCIAL_RULES_EDIT, province_code=province.code)
        return
    if not action_reach(user, Action.SOCIAL_RULES_EDIT).everything:
        raise PermissionDeniedError(
            _("National screening rules are set by HQ administrators.")
        )


def rule_snapshot(rule: Rule) -> dict[str, Any]:
    """A rule as its audit events show it."""
    return {
        "key": rule.key,
        "province": rule.province_id or "",
        "label_th": rule.label_th,
        "label_en": rule.label_en,
        "conditions": rule.conditions,
        "sources": rule.sources,
        "min_agree": rule.min_agree,
        "weight": rule.weight,
        "domain": rule.domain,
        "is_active": rule.is_active,
    }


@cache
def default_rules() -> tuple[dict[str, Any], ...]:
    """The default national rules (data/rules_default.json)."""
    with DEFAULT_RULES.open(encoding="utf-8") as file:
        return tuple(json.load(file)["rules"])


def _clean_rule(
    *,
    key: str,
    label_th: str,
    label_en: str,
    conditions: Any,
    sources: Any,
    min_agree: Any,
    weight: Any,
    domain: str,
) -> dict[str, Any]:
    key = (key or "").strip()
    if (
        not key
        or len(key) > KEY_LIMIT
        or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key)
    ):
        raise InvalidInput(
            _("A key is 1 to %(limit)d letters, digits, - or _.")
            % {"limit": KEY_LIMIT},
            field="key",
        )
    label_th = (label_th or "").strip()
    if not label_th:
        raise InvalidInput(_("Enter the rule's Thai label."), field="label_th")
    for name, label in (("label_th", label_th), ("label_en", label_en or "")):
        if len(label) > LABEL_LIMIT:
            raise InvalidInput(
                _("At most %(limit)d characters.") % {"limit": LABEL_LIMIT},
                field=name,
            )
    groups = conditions_clean(conditions)
    trusted = sources_clean(sources)
    agree = min_agree_clean(min_agree, trusted)
    sources_give_check(groups, trusted, agree)
    if isinstance(weight, bool) or not isinstance(weight, int):
        raise InvalidInput(_("Enter a whole number."), field="weight")
    if not 1 <= weight <= WEIGHT_LIMIT:
        raise InvalidInput(
            _("The weight is between 1 and %(limit)d.") % {"limit": WEIGHT_LIMIT},
            field="weight",
        )
    if domain and domain not in Domain.values:
        raise InvalidInput(_("Choose a domain from the list."), field="domain")
    return {
        "key": key,
        "label_th": label_th,
        "label_en": (label_en or "").strip(),
        "conditions": groups,
        "sources": trusted,
        "min_agree": agree,
        "weight": weight,
        "domain": domain or "",
    }


def _add(
    rule_set: RuleSet, province: Province | None, fields: dict[str, Any], actor: Actor
) -> Rule:
    taken = Rule.objects.filter(rule_set=rule_set, key=fields["key"])
    taken = (
        taken.filter(province=province)
        if province is not None
        else taken.filter(province__isnull=True)
    )
    if taken.exists():
        raise InvalidInput(
            _("This rule set already has a rule with the key “%(key)s”.")
            % {"key": fields["key"]},
            field="key",
        )
    rule = Rule(
        rule_set=rule_set, province=province, updated_by=_person(actor), **fields
    )
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as error:
        raise Conflict(_("Someone added this rule at the same time.")) from error
    audit_record(
        actor=actor,
        action="social.rule.add",
        target=rule,
        after=rule_snapshot(rule),
        province_code=province.code if province else "",
    )
    return rule


def rule_set_create(
    *,
    year: int,
    name_th: str,
    name_en: str = "",
    start_from: str = "empty",
    actor: Actor,
) -> RuleSet:
    """Makes the year's (B.E.) rule set, empty, with the default national
    rules (`start_from="default"`), or with a copy of the active rules of the
    latest earlier year (`"previous"`, its local rules included). Only HQ.
    Audit: `social.rule.set_create` (and `social.rule.add` for each rule)."""
    ensure_may_edit(actor, None)
    if not isinstance(year, int) or year not in YEARS:
        raise InvalidInput(_("Enter a year in the Buddhist era."), field="year")
    name_th = (name_th or "").strip()
    if not name_th or len(name_th) > LABEL_LIMIT:
        raise InvalidInput(_("Enter the rule set's Thai name."), field="name_th")
    if start_from not in ("empty", "default", "previous"):
        raise InvalidInput(_("Choose how to start the rule set."), field="start_from")
    with transaction.atomic():
        if RuleSet.objects.filter(year=year).exists():
            raise Conflict(
                _("The rule set of %(year)d exists already.") % {"year": year}
            )
        previous = None
        if start_from == "previous":
            previous = RuleSet.objects.filter(year__lt=year).order_by("-year").first()
            if previous is None:
                raise InvalidInput(
                    _("There is no earlier rule set to copy."), field="start_from"
                )
        try:
            with transaction.atomic():
                rule_set = RuleSet.objects.create(
                    year=year,
                    name_th=name_th,
                    name_en=(name_en or "").strip()[:LABEL_LIMIT],
                    created_by=_person(actor),
                )
        except IntegrityError as error:
            raise Conflict(
                _("The rule set of %(year)d exists already.") % {"year": year}
            ) from error
        audit_record(
            actor=actor,
            action="social.rule.set_create",
            target=rule_set,
            after={
                "year": year,
                "name_th": rule_set.name_th,
                "name_en": rule_set.name_en,
                "start_from": start_from,
                "copied_from": previous.year if previous else None,
            },
        )
        if start_from == "default":
            _load_default(rule_set, actor)
        elif previous is not None:
            for old in Rule.objects.filter(rule_set=previous, is_active=True).order_by(
                "pk"
            ):
                _add(
                    rule_set,
                    old.province,
                    {
                        key: value
                        for key, value in rule_snapshot(old).items()
                        if key not in ("province", "is_active")
                    },
                    actor,
                )
    return rule_set


def _load_default(rule_set: RuleSet, actor: Actor) -> int:
    national = set(
        Rule.objects.filter(rule_set=rule_set, province__isnull=True).values_list(
            "key", flat=True
        )
    )
    added = 0
    for raw in default_rules():
        if raw["key"] in national:
            continue
        fields = _clean_rule(
            key=raw["key"],
            label_th=raw["label_th"],
            label_en=raw.get("label_en", ""),
            conditions=raw["conditions"],
            sources=raw["sources"],
            min_agree=raw["min_agree"],
            weight=raw["weight"],
            domain=raw.get("domain", ""),
        )
        _add(rule_set, None, fields, actor)
        added += 1
    return added


def rules_load_default(*, rule_set: RuleSet, actor: Actor) -> int:
    """Adds the default national rules (data/rules_default.json) that the rule
    set lacks (by key); returns how many were added. Only HQ. Audit:
    `social.rule.add` for each."""
    ensure_may_edit(actor, None)
    with transaction.atomic():
        RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        return _load_default(rule_set, actor)


def rule_add(
    *,
    rule_set: RuleSet,
    key: str,
    label_th: str,
    label_en: str = "",
    conditions: Any,
    sources: Any,
    min_agree: Any = 1,
    weight: Any = 1,
    domain: str = "",
    province: Province | None = None,
    actor: Actor,
) -> Rule:
    """Adds a national rule (HQ) or a local rule of `province` (its provincial
    staff or HQ). Refuses a condition on an unknown field, an operator or value
    that does not fit the field, an unknown source, or more agreeing sources
    than trusted ones. Audit: `social.rule.add`."""
    ensure_may_edit(actor, province)
    fields = _clean_rule(
        key=key,
        label_th=label_th,
        label_en=label_en,
        conditions=conditions,
        sources=sources,
        min_agree=min_agree,
        weight=weight,
        domain=domain,
    )
    with transaction.atomic():
        return _add(rule_set, province, fields, actor)


def rule_update(
    *,
    rule: Rule,
    label_th: str,
    label_en: str = "",
    conditions: Any,
    sources: Any,
    min_agree: Any,
    weight: Any,
    domain: str = "",
    actor: Actor,
) -> Rule:
    """Changes a rule's labels, conditions, sources, agreement and weight (its
    key and province stay). The next screening run uses it. Audit:
    `social.rule.update` with before and after."""
    ensure_may_edit(actor, rule.province)
    fields = _clean_rule(
        key=rule.key,
        label_th=label_th,
        label_en=label_en,
        conditions=conditions,
        sources=sources,
        min_agree=min_agree,
        weight=weight,
        domain=domain,
    )
    del fields["key"]
    with transaction.atomic():
        locked = Rule.objects.select_for_update().get(pk=rule.pk)
        before = rule_snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.updated_by = _person(actor)
        locked.save(update_fields=[*fields, "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="social.rule.update",
            target=locked,
            before=before,
            after=rule_snapshot(locked),
            province_code=locked.province_id or "",
        )
    return locked


def rule_set_active(*, rule: Rule, active: bool, actor: Actor) -> Rule:
    """Deactivates a rule (screening runs leave it out from then on; its old
    matches go at the next run) or makes it active again. Audit:
    `social.rule.deactivate` or `social.rule.activate`."""
    ensure_may_edit(actor, rule.province)
    with transaction.atomic():
        locked = Rule.objects.select_for_update().get(pk=rule.pk)
        if locked.is_active == active:
            raise Conflict(
                _("The rule is active already.")
                if active
                else _("The rule is inactive already.")
            )
        locked.is_active = active
        locked.updated_by = _person(actor)
        locked.save(update_fields=["is_active", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="social.rule.activate" if active else "social.rule.deactivate",
            target=locked,
            before={"is_active": not active},
            after={"is_active": active},
            province_code=locked.province_id or "",
        )
    return locked
