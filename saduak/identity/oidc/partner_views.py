"""HQ's pages for partners: register one, say what it may ask for and why, give it
OAuth clients (a new client's secret is shown once) and withdraw them, or end
every token they hold. Each change asks for the second factor again when the
session's last one is old (identity/step_up.py)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import DomainError
from saduak.core.forms import add_domain_error
from saduak.identity.models import Partner
from saduak.identity.oidc import selectors, services
from saduak.identity.oidc.forms import ClientEditForm, ClientForm, PartnerForm
from saduak.identity.step_up import recent_second_factor_required, step_up_redirect


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only HQ administrators register partners."))


@staff_required
def partner_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    partners = selectors.partners_for_hq(viewer=user)
    return render(
        request,
        "identity/partners/partner_list.html",
        {"partners": partners, "may_change": may(user, Action.PARTNER_CREATE)},
    )


@staff_required
@recent_second_factor_required
def partner_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _refuse_unless(may(user, Action.PARTNER_CREATE))
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(actor=user, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(partner)s is registered. Give it a client next.")
                % {"partner": partner.name},
            )
            return redirect("oidc:partner", partner_id=partner.public_id)
    return render(
        request,
        "identity/partners/partner_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@staff_required
@never_cache
def partner_detail(request: HttpRequest, partner_id: UUID) -> HttpResponse:
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    if request.method == "POST":
        _refuse_unless(may(user, Action.PARTNER_UPDATE))
        if answer := step_up_redirect(request):
            return answer
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_update(
                actor=user, partner=partner, **form.service_fields()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The partner's details are saved."))
            return redirect("oidc:partner", partner_id=partner.public_id)
    return _detail_page(request, partner, form=form, client_form=ClientForm())


@staff_required
@recent_second_factor_required
@never_cache
@require_POST
def client_add(request: HttpRequest, partner_id: UUID) -> HttpResponse:
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    _refuse_unless(may(user, Action.PARTNER_CLIENT_CREATE))
    client_form = ClientForm(request.POST)
    created: dict[str, Any] = {}
    if client_form.is_valid():
        try:
            application, secret = services.partner_client_create(
                partner=partner, actor=user, **client_form.service_fields()
            )
        except DomainError as error:
            add_domain_error(client_form, error)
        else:
            # Shown on this answer only: the secret is stored as a hash.
            created = {
                "client_id": application.client_id,
                "secret": secret,
                "private_key_jwt": secret is None
                and application.client_type == application.CLIENT_CONFIDENTIAL,
            }
            client_form = ClientForm()
    return _detail_page(
        request,
        partner,
        form=PartnerForm(instance=partner),
        client_form=client_form,
        created=created,
        status=400 if client_form.errors else 201 if created else 200,
    )


@staff_required
@never_cache
def client_edit(request: HttpRequest, partner_id: UUID, client_id: str) -> HttpResponse:
    """One client's addresses, keys and security settings. A change that gives
    the client a new secret (moving back from private_key_jwt) shows it on this
    answer only."""
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    application = selectors.partner_client_of(partner, client_id)
    may_change = may(user, Action.PARTNER_CLIENT_UPDATE)
    if request.method == "POST":
        _refuse_unless(may_change)
        if answer := step_up_redirect(request):
            return answer
    form = ClientEditForm(
        request.POST or None,
        application=application,
        partner_client=application.partner_client,
    )
    if request.method == "POST" and form.is_valid():
        try:
            _changed, secret = services.partner_client_update(
                actor=user,
                partner=partner,
                client_id=client_id,
                **form.service_fields(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if secret:
                return render(
                    request,
                    "identity/partners/client_handover.html",
                    {"partner": partner, "client_id": client_id, "secret": secret},
                )
            messages.success(
                request,
                _("The settings of client %(client_id)s are saved.")
                % {"client_id": client_id},
            )
            return redirect("oidc:partner", partner_id=partner.public_id)
    return render(
        request,
        "identity/partners/client_form.html",
        {
            "partner": partner,
            "application": application,
            "partner_client": application.partner_client,
            "form": form,
            "may_change": may_change,
        },
        status=400 if form.errors else 200,
    )


@staff_required
@recent_second_factor_required
@require_POST
def client_remove(
    request: HttpRequest, partner_id: UUID, client_id: str
) -> HttpResponse:
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    services.partner_client_remove(actor=user, partner=partner, client_id=client_id)
    messages.success(
        request,
        _("Client %(client_id)s is removed; its tokens no longer work.")
        % {"client_id": client_id},
    )
    return redirect("oidc:partner", partner_id=partner.public_id)


@staff_required
@recent_second_factor_required
@require_POST
def tokens_revoke(request: HttpRequest, partner_id: UUID) -> HttpResponse:
    user = acting_user(request)
    partner = selectors.partner_for_hq(viewer=user, partner_id=partner_id)
    ended = services.partner_tokens_revoke_all(actor=user, partner=partner)
    messages.success(
        request,
        _("%(count)d tokens of %(partner)s are ended; its clients must ask again.")
        % {"count": ended, "partner": partner.name},
    )
    return redirect("oidc:partner", partner_id=partner.public_id)


def _detail_page(
    request: HttpRequest,
    partner: Partner,
    *,
    form: PartnerForm,
    client_form: ClientForm,
    created: dict[str, Any] | None = None,
    status: int | None = None,
) -> HttpResponse:
    user = acting_user(request)
    if status is None:
        status = 400 if form.errors else 200
    return render(
        request,
        "identity/partners/partner_detail.html",
        {
            "partner": partner,
            "form": form,
            "client_form": client_form,
            "clients": selectors.partner_clients(partner),
            "created": created or {},
            "may_change": may(user, Action.PARTNER_UPDATE),
            "may_add_client": may(user, Action.PARTNER_CLIENT_CREATE),
            "may_change_client": may(user, Action.PARTNER_CLIENT_UPDATE),
            "may_remove_client": may(user, Action.PARTNER_CLIENT_REMOVE),
            "may_revoke_tokens": may(user, Action.PARTNER_TOKENS_REVOKE),
        },
        status=status,
    )
