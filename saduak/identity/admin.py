"""Digital ID in the Django admin: partners and their OAuth clients are registered
by the partner sign-in package."""

from saduak.identity.oidc import admin as oidc_admin  # noqa: F401
