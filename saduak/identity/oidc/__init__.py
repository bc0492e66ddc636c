"""Single sign-on for partner agencies: Saduak as an OpenID Connect provider, built on
django-oauth-toolkit (docs/agency-integration.md)."""
