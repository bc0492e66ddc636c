"""Social Match API: Source imports (docs/social.md)."""

from ninja import Router

router = Router()
