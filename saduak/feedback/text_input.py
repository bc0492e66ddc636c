"""Free text people type (a comment, a reply, what was done), cleaned the same
way everywhere: control characters dropped, the ends trimmed, the length kept."""

from django.utils.translation import gettext as _

from saduak.core.errors import InvalidInput


def checked_text(text: str, *, limit: int, field: str, empty_message: str = "") -> str:
    """The text cleaned. Raises InvalidInput on `field` when it is longer than
    `limit`, or empty when `empty_message` says it may not be."""
    cleaned = "".join(
        character
        for character in str(text or "")
        if character in "\n\t" or character.isprintable()
    ).strip()
    if not cleaned and empty_message:
        raise InvalidInput(empty_message, field=field)
    if len(cleaned) > limit:
        raise InvalidInput(
            _(
                "Write at most %(limit)d characters; this has %(count)d. "
                "Shorten it and send again."
            )
            % {"limit": limit, "count": len(cleaned)},
            field=field,
        )
    return cleaned
