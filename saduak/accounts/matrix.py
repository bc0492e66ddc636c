"""The role x action matrix: which staff roles may carry out each acting service,
and at which kinds of office. It is written once, here. Every acting service
checks its actor with `ensure_may`; pages, templates and the API ask `may`
and never restate a rule. docs/roles.md is the same table for people; a test
keeps the two equal (`manage.py roles_matrix` prints it).

Reach still applies on top: a role acts only over the offices it reaches
(accounts/scoping.py). A record outside everything the actor can read is
answered as not found, so a refusal never reveals that it exists.

Actions whose roles a workflow names (an e-service stage, a committee) have a
ceiling here: the workflow may name fewer roles, never others.

Commands and scheduled tasks act as a system actor (a string such as
"command:load_areas"); an operator with a shell on the server is trusted.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saduak.accounts.choices import Role
from saduak.accounts.models import User
from saduak.accounts.scoping import Reach, active_roles, reach_of, read_reach
from saduak.areas.choices import OfficeKind
from saduak.areas.models import Office
from saduak.core.errors import NotFound, PermissionDeniedError

C = Role.COUNTER_OFFICER
D = Role.DISTRICT_ADMIN
P = Role.PROVINCIAL_STAFF
H = Role.HQ_ADMIN
F = Role.FINANCE_OFFICER
B = Role.ESERVICE_ADMIN
S = Role.SOCIAL_WORKER

# Who runs an office's own set-up: hours, counters, closures, services offered.
OFFICE_MANAGERS = frozenset({D, P, H})
# Who serves a citizen at a counter, or acts for one who cannot come online.
COUNTER_STAFF = frozenset({C, D})
# Who may be named in an e-service workflow's stage (never the builder, never
# the auditor).
CASE_WORKERS = frozenset({C, D, P, H, F})
# Who handles a complaint at the office that holds it (reach still applies: a
# counter officer only at their own office, a district's Damrongdham center
# say).
COMPLAINT_HANDLERS = frozenset({C, D, P, H})
REGISTRY_OFFICES = frozenset({OfficeKind.DISTRICT_REGISTRY, OfficeKind.LOCAL_REGISTRY})


class Action(models.TextChoices):
    # areas
    OFFICE_UPDATE_CONTACT = (
        "office.update_contact",
        _("Change an office's contact details"),
    )
    OFFICE_SET_OPENING_HOURS = (
        "office.set_opening_hours",
        _("Set an office's opening hours"),
    )
    OFFICE_COUNTER_SAVE = "office.counter_save", _("Add or change an office's counters")
    OFFICE_CLOSURE_ADD = "office.closure_add", _("Close an office for a day")
    OFFICE_CLOSURE_REMOVE = "office.closure_remove", _("Remove an office's closure")
    HOLIDAY_NATIONAL_EDIT = (
        "holiday.national_edit",
        _("Add or remove a national holiday"),
    )
    # accounts
    STAFF_ROLE_GRANT = "staff_role.grant", _("Give a staff role")
    API_TOKEN_CREATE = "api_token.create", _("Create an API token")
    STAFF_SECOND_FACTOR_RESET = (
        "staff.second_factor_reset",
        _("Reset a staff member's second factor"),
    )
    # appointments
    OFFICE_SERVICE_SAVE = (
        "office_service.save",
        _("Choose the services an office offers"),
    )
    QUEUE_SETTINGS_SAVE = "queue_settings.save", _("Change an office's queue rules")
    KIOSK_KEY_ISSUE = "kiosk_key.issue", _("Issue a kiosk key")
    SERVICES_LOAD_NATIONAL = "services.load_national", _("Load the national catalogue")
    SLOTS_RELEASE = "slots.release", _("Release an office's slots for booking")
    BOOKING_CREATE_FOR_CALLER = (
        "booking.create_for_caller",
        _("Book a queue for a caller"),
    )
    BOOKING_CANCEL_FOR_CITIZEN = (
        "booking.cancel_for_citizen",
        _("Cancel or move a citizen's booking"),
    )
    BOOKING_CHECK_IN = "booking.check_in", _("Check in a booking at the office")
    TICKET_ISSUE = "ticket.issue", _("Issue a walk-in ticket")
    TICKET_CALL_NEXT = "ticket.call_next", _("Call the next ticket to a counter")
    TICKET_RECALL = "ticket.recall", _("Call a ticket again")
    TICKET_COMPLETE = "ticket.complete", _("Mark a ticket served")
    TICKET_NO_SHOW = "ticket.no_show", _("Mark a ticket not come")
    TICKET_TRANSFER = "ticket.transfer", _("Transfer a ticket to another service")
    MOBILE_REQUEST_CREATE_FOR_CITIZEN = (
        "mobile_request.create_for_citizen",
        _("Record a Mobile Unit request for a citizen"),
    )
    MOBILE_VISIT_SCHEDULE = "mobile_visit.schedule", _("Schedule a Mobile Unit visit")
    MOBILE_REQUEST_CLOSE = "mobile_request.close", _("Close a Mobile Unit request")
    # identity
    ENROLMENT_CODE_ISSUE = (
        "enrolment_code.issue",
        _("Check a card and issue a digital ID enrolment code"),
    )
    PARTNER_CREATE = "partner.create", _("Register a partner agency")
    PARTNER_UPDATE = "partner.update", _("Change a partner agency")
    PARTNER_CLIENT_CREATE = (
        "partner_client.create",
        _("Give a partner a client and key"),
    )
    PARTNER_CLIENT_UPDATE = (
        "partner_client.update",
        _("Change a partner's client: addresses, keys and security settings"),
    )
    PARTNER_CLIENT_REMOVE = "partner_client.remove", _("Remove a partner's client")
    PARTNER_TOKENS_REVOKE = "partner_tokens.revoke", _("Revoke a partner's tokens")
    CITIZEN_RECORD_VIEW = (
        "citizen.record_view",
        _("Look up a citizen's account to serve them at the counter"),
    )
    # feedback
    VOTE_MODERATE = "vote.moderate", _("Count or reject a held happiness vote")
    COMMENT_MODERATE = "comment.moderate", _("Publish or hide a comment")
    VOTE_REPLY = "vote.reply", _("Reply in public to a comment")
    VOTE_MARK_ACTED_ON = "vote.mark_acted_on", _("Record what was done about a comment")
    HAPPINESS_ALERT_ACKNOWLEDGE = (
        "happiness_alert.acknowledge",
        _("Acknowledge a happiness alert"),
    )
    # eservices
    ESERVICE_BUILD = "eservice.build", _("Define an e-service (manual, form, workflow)")
    ESERVICE_PUBLISH = "eservice.publish", _("Publish an e-service version")
    APPLICATION_RECORD_FOR_CITIZEN = (
        "application.record_for_citizen",
        _("Record, fill and submit an application for a citizen"),
    )
    APPLICATION_CLAIM = "application.claim", _("Claim or release an application")
    APPLICATION_ACT = "application.act", _("Forward, return, approve or reject a case")
    APPLICATION_NOTE_ADD = "application.note_add", _("Write an internal note on a case")
    FACT_CHECK_RECORD = "fact_check.record", _("Record the identity and fact check")
    COMMITTEE_MANAGE = "committee.manage", _("Run committee meetings and decisions")
    PAYMENT_MANAGE = "payment.manage", _("Make payment batches and import bank results")
    # complaints
    COMPLAINT_RECORD_FOR_CITIZEN = (
        "complaint.record",
        _("Record a complaint that came by phone, letter, walk-in or referral"),
    )
    COMPLAINT_HANDLE = (
        "complaint.handle",
        _("Accept, answer, forward, merge, resolve or close a complaint"),
    )
    COMPLAINT_TRANSFER = (
        "complaint.transfer",
        _("Transfer a complaint to another district"),
    )
    COMPLAINT_TAKE_OVER = (
        "complaint.take_over",
        _("Take a district's complaint over at the province"),
    )
    COMPLAINT_NOTE_ADD = (
        "complaint.note_add",
        _("Write an internal note on a complaint"),
    )
    COMPLAINT_CATEGORY_MANAGE = (
        "complaint_category.manage",
        _("Manage the complaint categories and their targets"),
    )
    OPEN311_KEY_ISSUE = (
        "open311_key.issue",
        _("Issue or revoke a partner's Open311 key"),
    )
    # performance
    FRAMEWORK_EDIT = (
        "framework.edit",
        _("Set up a KPI framework: components, KPIs, weights, targets, rounds"),
    )
    FRAMEWORK_PUBLISH = "framework.publish", _("Publish or reopen a KPI framework")
    KPI_RESULT_RECORD = (
        "kpi_result.record",
        _("Record or import a KPI's result, breakdown, checklist and evidence"),
    )
    ROUND_LOCK = "round.lock", _("Lock or unlock a reporting round")
    PMQA_RECORD = "pmqa.record", _("Record PMQA scores and the all-agency averages")
    DIRECTIVE_ISSUE = (
        "directive.issue",
        _("Write, send and close a directive or report request, and its letterhead"),
    )
    REQUEST_FORWARD = (
        "request.forward",
        _(
            "Forward a request to the province's districts, with a deadline and exclusions"
        ),
    )
    REPORT_FILL = (
        "report.fill",
        _("Read, acknowledge and fill an office's report, with its evidence"),
    )
    REPORT_SUBMIT = "report.submit", _("Submit an office's report to the province")
    REPORT_CERTIFY = (
        "report.certify",
        _(
            "Send back, certify or excuse a district's report; submit the consolidated one"
        ),
    )
    REPORT_ACCEPT = (
        "report.accept",
        _("Accept or return a province's consolidated report"),
    )
    GECC_MANAGE = (
        "gecc.manage",
        _("Prepare, open and close a GECC round and name its target offices"),
    )
    GECC_REGISTER = (
        "gecc.register",
        _("Volunteer a registry office for GECC and name its responsible person"),
    )
    # social (Social Match, docs/social.md)
    SOCIAL_SOURCE_IMPORT = (
        "social.source_import",
        _("Import or roll back a Social Match source file"),
    )
    SOCIAL_RULES_EDIT = "social.rules_edit", _("Change the screening rules")
    SOCIAL_SCREEN = "social.screen", _("Screen an area with the rules")
    SOCIAL_TARGET_DECIDE = (
        "social.target_decide",
        _("Confirm or remove households after a community forum"),
    )
    SOCIAL_SERVICE_RECORD = (
        "social.service_record",
        _("Record a service given to a household"),
    )
    SOCIAL_CASE_MANAGE = (
        "social.case_manage",
        _("Manage a household's case: plan, referrals, follow-ups, closure"),
    )
    SOCIAL_PERSON_VIEW = (
        "social.person_view",
        _("See the people of a screened household"),
    )


NOT_YOUR_ROLE = _("Your role does not allow this.")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    # Kinds of office the action may be carried out at; None for any.
    office_kinds: frozenset[str] | None = None
    # The roles are a ceiling; a workflow names which of them act.
    named_by_workflow: bool = False
    refusal: str | Promise = NOT_YOUR_ROLE


MATRIX: dict[Action, Rule] = {
    Action.OFFICE_UPDATE_CONTACT: Rule(OFFICE_MANAGERS),
    Action.OFFICE_SET_OPENING_HOURS: Rule(OFFICE_MANAGERS),
    Action.OFFICE_COUNTER_SAVE: Rule(OFFICE_MANAGERS),
    Action.OFFICE_CLOSURE_ADD: Rule(OFFICE_MANAGERS),
    Action.OFFICE_CLOSURE_REMOVE: Rule(OFFICE_MANAGERS),
    Action.HOLIDAY_NATIONAL_EDIT: Rule(
        frozenset({H}),
        refusal=_("Only HQ administrators can change national holidays."),
    ),
    Action.STAFF_ROLE_GRANT: Rule(frozenset({H})),
    Action.API_TOKEN_CREATE: Rule(frozenset({H})),
    Action.STAFF_SECOND_FACTOR_RESET: Rule(
        frozenset({H}), refusal=_("Only HQ administrators reset a second factor.")
    ),
    Action.OFFICE_SERVICE_SAVE: Rule(OFFICE_MANAGERS),
    Action.QUEUE_SETTINGS_SAVE: Rule(OFFICE_MANAGERS),
    Action.KIOSK_KEY_ISSUE: Rule(OFFICE_MANAGERS),
    Action.SERVICES_LOAD_NATIONAL: Rule(frozenset({H})),
    Action.SLOTS_RELEASE: Rule(OFFICE_MANAGERS),
    Action.BOOKING_CREATE_FOR_CALLER: Rule(COUNTER_STAFF),
    Action.BOOKING_CANCEL_FOR_CITIZEN: Rule(COUNTER_STAFF),
    Action.BOOKING_CHECK_IN: Rule(COUNTER_STAFF),
    Action.TICKET_ISSUE: Rule(COUNTER_STAFF),
    Action.TICKET_CALL_NEXT: Rule(COUNTER_STAFF),
    Action.TICKET_RECALL: Rule(COUNTER_STAFF),
    Action.TICKET_COMPLETE: Rule(COUNTER_STAFF),
    Action.TICKET_NO_SHOW: Rule(COUNTER_STAFF),
    Action.TICKET_TRANSFER: Rule(COUNTER_STAFF),
    Action.MOBILE_REQUEST_CREATE_FOR_CITIZEN: Rule(COUNTER_STAFF),
    Action.MOBILE_VISIT_SCHEDULE: Rule(COUNTER_STAFF),
    Action.MOBILE_REQUEST_CLOSE: Rule(COUNTER_STAFF),
    Action.ENROLMENT_CODE_ISSUE: Rule(
        COUNTER_STAFF,
        office_kinds=REGISTRY_OFFICES,
        refusal=_("Enrolment is done by officers of a registry office."),
    ),
    Action.PARTNER_CREATE: Rule(
        frozenset({H}), refusal=_("Only HQ administrators register partners.")
    ),
    Action.PARTNER_UPDATE: Rule(frozenset({H})),
    Action.PARTNER_CLIENT_CREATE: Rule(frozenset({H})),
    Action.PARTNER_CLIENT_UPDATE: Rule(frozenset({H})),
    Action.PARTNER_CLIENT_REMOVE: Rule(frozenset({H})),
    Action.PARTNER_TOKENS_REVOKE: Rule(frozenset({H})),
    Action.CITIZEN_RECORD_VIEW: Rule(COUNTER_STAFF),
    Action.VOTE_MODERATE: Rule(OFFICE_MANAGERS),
    Action.COMMENT_MODERATE: Rule(OFFICE_MANAGERS),
    Action.VOTE_REPLY: Rule(OFFICE_MANAGERS),
    Action.VOTE_MARK_ACTED_ON: Rule(OFFICE_MANAGERS),
    Action.HAPPINESS_ALERT_ACKNOWLEDGE: Rule(OFFICE_MANAGERS),
    Action.ESERVICE_BUILD: Rule(frozenset({B, H})),
    Action.ESERVICE_PUBLISH: Rule(frozenset({B, H})),
    Action.APPLICATION_RECORD_FOR_CITIZEN: Rule(COUNTER_STAFF),
    Action.APPLICATION_CLAIM: Rule(CASE_WORKERS, named_by_workflow=True),
    Action.APPLICATION_ACT: Rule(CASE_WORKERS, named_by_workflow=True),
    Action.APPLICATION_NOTE_ADD: Rule(CASE_WORKERS),
    Action.FACT_CHECK_RECORD: Rule(COUNTER_STAFF),
    Action.COMMITTEE_MANAGE: Rule(CASE_WORKERS, named_by_workflow=True),
    Action.PAYMENT_MANAGE: Rule(
        frozenset({F}), refusal=_("Payments are made by finance officers.")
    ),
    Action.COMPLAINT_RECORD_FOR_CITIZEN: Rule(COMPLAINT_HANDLERS),
    Action.COMPLAINT_HANDLE: Rule(COMPLAINT_HANDLERS),
    Action.COMPLAINT_TRANSFER: Rule(COMPLAINT_HANDLERS),
    Action.COMPLAINT_TAKE_OVER: Rule(
        frozenset({P, H}),
        refusal=_("Only provincial staff and HQ take over a district's complaint."),
    ),
    Action.COMPLAINT_NOTE_ADD: Rule(COMPLAINT_HANDLERS),
    Action.COMPLAINT_CATEGORY_MANAGE: Rule(
        frozenset({H}),
        refusal=_("Only HQ administrators manage the complaint categories."),
    ),
    Action.OPEN311_KEY_ISSUE: Rule(frozenset({H})),
    # A framework is set up by those who manage its unit: HQ for the department,
    # provincial staff for a province, a district's administrator for a district
    # (reach decides which). A KPI's named owner and data collector may also
    # record its results (performance/services/results.py).
    Action.FRAMEWORK_EDIT: Rule(frozenset({D, P, H})),
    Action.FRAMEWORK_PUBLISH: Rule(frozenset({D, P, H})),
    Action.KPI_RESULT_RECORD: Rule(frozenset({D, P, H})),
    Action.ROUND_LOCK: Rule(
        frozenset({H}), refusal=_("Only HQ administrators lock or unlock a round.")
    ),
    Action.PMQA_RECORD: Rule(
        frozenset({H}), refusal=_("Only HQ administrators record PMQA scores.")
    ),
    # Report collection (docs/performance-collection.md): HQ or a province
    # issues; the province forwards, certifies and consolidates; the offices
    # fill and the district submits; HQ accepts. Reach decides where.
    Action.DIRECTIVE_ISSUE: Rule(
        frozenset({P, H}),
        refusal=_("Directives are issued by HQ administrators and provincial staff."),
    ),
    Action.REQUEST_FORWARD: Rule(
        frozenset({P}),
        refusal=_("A province's staff forward a request to its districts."),
    ),
    Action.REPORT_FILL: Rule(COUNTER_STAFF),
    Action.REPORT_SUBMIT: Rule(
        frozenset({D}), refusal=_("A district's administrator submits its reports.")
    ),
    Action.REPORT_CERTIFY: Rule(
        frozenset({P}),
        refusal=_(
            "Only the province's staff certify or send back a district's report."
        ),
    ),
    Action.REPORT_ACCEPT: Rule(
        frozenset({H}),
        refusal=_("Only HQ administrators accept or return a province's report."),
    ),
    Action.GECC_MANAGE: Rule(
        frozenset({H}), refusal=_("Only HQ administrators run the GECC round.")
    ),
    Action.GECC_REGISTER: Rule(
        frozenset({D}),
        office_kinds=REGISTRY_OFFICES,
        refusal=_(
            "A district's administrator registers its registry offices for GECC."
        ),
    ),
    # Social Match (docs/social.md): HQ and the provinces bring in the sources
    # and set the rules; the district's social workers and its administrator
    # (their supervisor) work with the households; the province's staff
    # supervise and may see them too. HQ sees statistics only, never a person.
    Action.SOCIAL_SOURCE_IMPORT: Rule(
        frozenset({P, H}),
        refusal=_("Sources are imported by HQ administrators and provincial staff."),
    ),
    Action.SOCIAL_RULES_EDIT: Rule(
        frozenset({P, H}),
        refusal=_("Screening rules are set by HQ and, for local rules, a province."),
    ),
    Action.SOCIAL_SCREEN: Rule(
        frozenset({P, H}),
        refusal=_("Screening is run by HQ administrators and provincial staff."),
    ),
    Action.SOCIAL_TARGET_DECIDE: Rule(
        frozenset({S, D}),
        refusal=_("The district's social workers record the community forum."),
    ),
    Action.SOCIAL_SERVICE_RECORD: Rule(
        frozenset({S, D}),
        refusal=_("The district's social workers record services."),
    ),
    Action.SOCIAL_CASE_MANAGE: Rule(
        frozenset({S, D}),
        refusal=_("Cases are managed by the district's social workers."),
    ),
    Action.SOCIAL_PERSON_VIEW: Rule(
        frozenset({S, D, P}),
        refusal=_(
            "Only the area's social workers and their supervisors see a household."
        ),
    ),
}

Actor = User | str


# Actors named by a string that are devices, not operators: a kiosk may do only
# what its own app allows it (appointments/services/queue.py), never what the
# system may.
DEVICE_ACTOR_PREFIXES = ("kiosk:",)


def _is_system(actor: object) -> bool:
    return isinstance(actor, str) and not actor.startswith(DEVICE_ACTOR_PREFIXES)


def allowed_roles(
    action: Action, named: Iterable[str] | None = None
) -> frozenset[Role]:
    """The roles that may carry out `action`; for an action a workflow names,
    only those of `named` that the matrix allows."""
    rule = MATRIX[action]
    if named is None:
        return rule.roles
    return frozenset(Role(role) for role in named if role in rule.roles)


def action_reach(
    user: Actor, action: Action, *, named: Iterable[str] | None = None
) -> Reach:
    """The offices over which `user` may carry out `action` (everything for a
    system actor)."""
    if _is_system(user):
        return Reach(everything=True)
    if not isinstance(user, User):
        return Reach()
    return reach_of(user, allowed_roles(action, named))


def may(
    user: Actor,
    action: Action,
    *,
    office: Office | None = None,
    district_code: str | None = None,
    province_code: str | None = None,
    named: Iterable[str] | None = None,
) -> bool:
    """Whether `user` may carry out `action`: over `office`, or over the area
    given by its codes, or (with neither) anywhere at all."""
    if _is_system(user):
        return True
    if not isinstance(user, User):
        return False
    rule = MATRIX[action]
    kinds = rule.office_kinds
    if office is not None and kinds is not None and office.kind not in kinds:
        return False
    roles = allowed_roles(action, named)
    if office is not None:
        return reach_of(user, roles).covers_office(office)
    if district_code is not None or province_code is not None:
        return reach_of(user, roles).covers_area(
            district_code=district_code, province_code=province_code
        )
    return any(staff_role.role in roles for staff_role in active_roles(user))


def ensure_may(
    user: Actor,
    action: Action,
    *,
    office: Office | None = None,
    district_code: str | None = None,
    province_code: str | None = None,
    named: Iterable[str] | None = None,
    refusal: str | Promise | None = None,
    public: bool = False,
) -> None:
    """Raises unless `user` may carry out `action` (see `may`).

    A record at an office or area the user cannot even read is answered
    `NotFound`, so that a refusal does not reveal it; otherwise the refusal is
    `PermissionDeniedError` with the rule's message (or `refusal`). `public`
    says that what is acted on is public anyway (an office's own details),
    so a refusal may say so.
    """
    if may(
        user,
        action,
        office=office,
        district_code=district_code,
        province_code=province_code,
        named=named,
    ):
        return
    if not isinstance(user, User):
        raise PermissionDeniedError(refusal or MATRIX[action].refusal)
    readable = Reach(everything=True) if public else read_reach(user)
    if office is not None and not readable.covers_office(office):
        raise NotFound()
    if (district_code is not None or province_code is not None) and not (
        readable.covers_area(district_code=district_code, province_code=province_code)
    ):
        raise NotFound()
    raise PermissionDeniedError(refusal or MATRIX[action].refusal)


def matrix_markdown() -> str:
    """The matrix as a Markdown table, the one docs/roles.md carries."""
    roles = list(Role)
    header = "| action | what it is | " + " | ".join(roles) + " | where |"
    lines = [header, "|" + "---|" * (len(roles) + 3)]
    for action in Action:
        rule = MATRIX[action]
        marks = [
            ("(✓)" if rule.named_by_workflow else "✓") if role in rule.roles else ""
            for role in roles
        ]
        where = (
            ", ".join(sorted(rule.office_kinds))
            if rule.office_kinds
            else "offices in reach"
        )
        label = str(action.label)
        lines.append(
            f"| `{action.value}` | {label} | " + " | ".join(marks) + f" | {where} |"
        )
    return "\n".join(lines) + "\n"
