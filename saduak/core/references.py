"""Short references people read aloud and type: eight characters from an alphabet
without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B). Bookings, e-service
applications and payments all use them, so they live in core."""

import secrets

ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_reference(typed: str) -> str:
    """What a person typed or a scanner read: case, spaces and dashes ignored."""
    return "".join(typed.split()).replace("-", "").upper()[: LENGTH + 4]
