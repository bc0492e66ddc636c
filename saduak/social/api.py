"""Social Match's API router, mounted at /api/v1/social (docs/api.md): the same
services as the staff pages."""

from ninja import Router

from saduak.social import api_cases, api_screening, api_sources, api_targeting

router = Router()
router.add_router("/sources", api_sources.router)
router.add_router("/screening", api_screening.router)
router.add_router("/targeting", api_targeting.router)
router.add_router("/cases", api_cases.router)
