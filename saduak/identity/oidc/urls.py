"""The OpenID Connect endpoints under /o/, outside the language prefixes. The
namespace is django-oauth-toolkit's own, whose views reverse these names."""

from django.urls import path, re_path
from oauth2_provider import views as toolkit

from saduak.identity.oidc import introspection, par, views

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", views.PartnerAuthorizationView.as_view(), name="authorize"),
    path("token/", views.PartnerTokenView.as_view(), name="token"),
    path("par/", par.PushedAuthorizationRequestView.as_view(), name="par"),
    path("revoke_token/", toolkit.RevokeTokenView.as_view(), name="revoke-token"),
    path("userinfo/", views.PartnerUserInfoView.as_view(), name="user-info"),
    path(
        "introspect/",
        introspection.IntrospectionView.as_view(),
        name="introspect",
    ),
    path("logout/", views.PartnerLogoutView.as_view(), name="rp-initiated-logout"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", views.JwksView.as_view(), name="jwks-info"),
    # RFC 8414 metadata (also at its standard address, config/urls.py); also what
    # the `iss` of authorization responses is read from.
    path(
        ".well-known/oauth-authorization-server",
        views.AuthorizationServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]
