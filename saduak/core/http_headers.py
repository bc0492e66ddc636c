"""Headers the adapters to outside services share."""


def bearer_authorization(token: str) -> dict[str, str]:
    """`Authorization: Bearer <token>`, or nothing when no token is configured: a
    gateway reached over a private network may ask for none, and an empty
    "Bearer " is a header httpx refuses to send, which made every attempt look
    like an unreachable service."""
    return {"Authorization": f"Bearer {token}"} if token else {}
