"""The OAuth 2.0 / OpenID Connect server behind the token endpoint: oauthlib's,
without the resource owner password grant.

A partner never handles a citizen's password: people sign in on Saduak's own
pages (authorization code with PKCE), where the lockout and the second factor
apply. With the password grant left in, any public client id turned the token
endpoint into a second password oracle (a wrong password answered
`invalid_grant`, the right one `unauthorized_client`) that no lockout counted.
Without it, `grant_type=password` is answered `unsupported_grant_type` before any
password is looked at."""

from typing import Any

from oauthlib.openid import Server

REMOVED_GRANTS = ("password",)


class PartnerServer(Server):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for grant_type in REMOVED_GRANTS:
            self._grant_types.pop(grant_type, None)
