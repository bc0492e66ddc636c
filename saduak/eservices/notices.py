"""The messages the e-services app sends (templates in
templates/notifications/<key>/)."""

from django.utils.translation import gettext_lazy as _

from saduak.notifications.templates import register_template

APPLICATION_SUBMITTED = register_template(
    "eservices.application.submitted",
    description=_("An e-service application is received"),
    required_context=("reference", "service", "office", "url"),
)
APPLICATION_UPDATED = register_template(
    "eservices.application.updated",
    description=_("An e-service application moved on, was returned or decided"),
    # "message": what is asked, or the reason of a rejection (may be empty).
    required_context=("reference", "service", "status", "url"),
)
PAYMENT_PAID = register_template(
    "eservices.payment.paid",
    description=_("A payment to an applicant was transferred"),
    required_context=("reference", "service", "amount", "account", "url"),
)
