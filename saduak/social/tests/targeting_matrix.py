"""Role x action scenarios for Social Match's targeting services."""

from saduak.accounts.tests.matrix_walk import Scenario

SCENARIOS: list[Scenario] = []
