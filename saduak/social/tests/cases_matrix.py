"""Role x action scenarios for Social Match's cases services."""

from saduak.accounts.tests.matrix_walk import Scenario

SCENARIOS: list[Scenario] = []
