"""HQ's page of partners' Open311 keys: issue one (shown once) and revoke."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.complaints.forms_staff import KeyForm
from saduak.complaints.models import Open311Key
from saduak.complaints.services.keys import open311_key_issue, open311_key_revoke
from saduak.core.errors import DomainError, NotFound
from saduak.core.forms import add_domain_error
from saduak.identity.models import Partner

KEYS_SHOWN = 500


@staff_required
@never_cache
def key_list(request: HttpRequest) -> HttpResponse:
    """The keys issued (newest first) and the form to issue one. The new key
    is on the answer to the POST only: it is never stored, nor shown again."""
    user = acting_user(request)
    ensure_may(user, Action.OPEN311_KEY_ISSUE)
    partners = list(Partner.objects.filter(is_active=True).order_by("name_th"))
    choices = [(str(partner.public_id), partner.name) for partner in partners]
    form = KeyForm(request.POST or None, partners=choices)
    issued = None
    raw = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            partner = next(
                item
                for item in partners
                if str(item.public_id) == form.cleaned_data["partner"]
            )
            try:
                issued, raw = open311_key_issue(
                    partner=partner, name=form.cleaned_data["name"], actor=user
                )
            except DomainError as error:
                add_domain_error(form, error)
        if issued is None:
            status = 400
        else:
            form = KeyForm(partners=choices)
    keys = Open311Key.objects.select_related("partner", "created_by").order_by(
        "-created_at", "-pk"
    )[:KEYS_SHOWN]
    return render(
        request,
        "complaints/staff/keys.html",
        {"form": form, "keys": keys, "issued": issued, "raw": raw},
        status=status,
    )


@staff_required
@require_POST
def key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    user = acting_user(request)
    ensure_may(user, Action.OPEN311_KEY_ISSUE)
    found = list(Open311Key.objects.filter(key_prefix=prefix)[:2])
    if len(found) != 1:
        raise NotFound(_("There is no key starting %(prefix)s.") % {"prefix": prefix})
    try:
        open311_key_revoke(key=found[0], actor=user)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The key %(prefix)s… is revoked.") % {"prefix": found[0].key_prefix},
        )
    return redirect("complaints-staff:keys")
