"""Social Match API: Targeting and statistics (no personal IDs in statistics) (docs/social.md)."""

from ninja import Router

router = Router()
