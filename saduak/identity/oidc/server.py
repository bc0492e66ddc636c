"""The OAuth 2.0 / OpenID Connect server behind the token endpoint: oauthlib's,
without the resource owner password grant (and the device grant).

A partner never handles a citizen's password: people sign in on Saduak's own
pages (authorization code with PKCE), where the lockout and the second factor
apply. With the password grant left in, any public client id turned the token
endpoint into a second password oracle (a wrong password answered
`invalid_grant`, the right one `unauthorized_client`) that no lockout counted.
Without it, `grant_type=password` is answered `unsupported_grant_type` before any
password is looked at."""

from typing import Any

from oauthlib.oauth2 import TokenEndpoint
from oauthlib.openid import Server

from saduak.identity.oidc import dpop

# The device authorization grant (RFC 8628) is not offered either: Saduak has no
# device endpoint, and its handler would look for a device grant that never
# exists (a 500); without it the grant type is `unsupported_grant_type`.
REMOVED_GRANTS = ("password", "urn:ietf:params:oauth:grant-type:device_code")


class PartnerServer(Server):
    """Named by OAUTH2_PROVIDER["OIDC_SERVER_CLASS"] (a public setting of
    django-oauth-toolkit). The token endpoint is set up again through its public
    constructor with oauthlib's grants less the removed ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        TokenEndpoint.__init__(
            self,
            default_grant_type=self.default_grant_type,
            default_token_type=self.default_token_type,
            grant_types={
                name: grant
                for name, grant in self.grant_types.items()
                if name not in REMOVED_GRANTS
            },
        )
        # DPoP proofs and bindings at the token endpoint (RFC 9449).
        dpop.install(self)
