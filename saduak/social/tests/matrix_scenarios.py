"""Social Match's services, for the role x action walk
(tests/test_role_matrix.py). Each part of the app keeps its own scenarios."""

from saduak.social.tests import (
    cases_matrix,
    screening_matrix,
    sources_matrix,
    targeting_matrix,
)

SCENARIOS = [
    *sources_matrix.SCENARIOS,
    *screening_matrix.SCENARIOS,
    *targeting_matrix.SCENARIOS,
    *cases_matrix.SCENARIOS,
]
