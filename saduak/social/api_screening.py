"""Social Match API: Rules and screening (docs/social.md)."""

from ninja import Router

router = Router()
