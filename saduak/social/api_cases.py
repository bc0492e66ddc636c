"""Social Match API: Case management (docs/social.md)."""

from ninja import Router

router = Router()
