"""Public ids: the random UUIDs by which attachments, committee meetings and
payments are named in addresses, forms and the API, never by their sequential
database id (which would tell how many there are and let one guess another's)."""

from uuid import UUID


def posted_public_id(raw: object) -> UUID | None:
    """A public id as a form sends it; None for anything else, so a tampered
    field is "not found", never a server error."""
    text = str(raw if raw is not None else "").strip()
    if len(text) > 64:
        return None
    try:
        return UUID(text)
    except ValueError:
        return None
