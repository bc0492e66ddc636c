"""The issue-20 scenarios: each code exchange of the private_key_jwt + DPoP half
carries a fresh client assertion and DPoP proof, signed as it is sent, that the
server's library (jwcrypto) reads; the scenarios are registered."""

import json
import pickle
from urllib.parse import parse_qs

from jwcrypto import jwk, jwt

from bench import run  # noqa: F401  (imports every scenario module)
from bench.oidc_scenarios import (
    ASSERTION_TYPE,
    PKJWT_DPOP,
    PLAIN,
    SignedExchange,
    new_client_key,
)
from bench.scenarios import SCENARIOS

URL = "http://127.0.0.1:8000/o/token/"


def _exchange() -> tuple[SignedExchange, dict]:
    private, jwks = new_client_key()
    request = SignedExchange(
        path="/o/token/",
        url=URL,
        client_id="bench-client",
        key=private,
        form=b"grant_type=authorization_code&code=abc",
    )
    return request, jwks


def test_the_scenarios_are_registered():
    assert {PLAIN, PKJWT_DPOP, "sign_in_guessing_everywhere"} <= set(SCENARIOS)


def test_each_send_signs_a_new_assertion_and_proof_that_jwcrypto_reads():
    request, jwks = _exchange()
    request = pickle.loads(pickle.dumps(request))  # as it reaches the load child
    public = jwk.JWK(**jwks["keys"][0])
    seen = set()
    for _ in range(2):
        proof = dict(request.headers)["DPoP"]
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        assert form["code"] == "abc"
        assert form["client_assertion_type"] == ASSERTION_TYPE
        assertion = json.loads(
            jwt.JWT(jwt=form["client_assertion"], key=public, algs=["ES256"]).claims
        )
        assert assertion["iss"] == assertion["sub"] == "bench-client"
        assert assertion["aud"] == URL
        header = json.loads(jwt.JWT(jwt=proof).token.objects["protected"])
        assert header["typ"] == "dpop+jwt"
        assert set(header["jwk"]) == {"kty", "crv", "x", "y"}
        claims = json.loads(
            jwt.JWT(jwt=proof, key=jwk.JWK(**header["jwk"]), algs=["ES256"]).claims
        )
        assert (claims["htm"], claims["htu"]) == ("POST", URL)
        seen.add((assertion["jti"], claims["jti"]))
    assert len(seen) == 2
    assert request.succeeded(200) and not request.succeeded(401)
