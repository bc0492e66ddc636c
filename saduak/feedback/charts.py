"""The happiness trend's figures: the periods with votes, oldest first. The
page shows them as a table that static/js/charts.js draws as a line
(Chart.js), so the trend reads the same without JavaScript."""

from datetime import date

from saduak.feedback.selectors.index import HappinessIndex


def trend_chart(
    series: list[tuple[date, HappinessIndex]],
) -> list[tuple[date, HappinessIndex]]:
    """The periods of `series` that have votes (a period without any has no mean)."""
    return [(when, index) for when, index in series if index.votes]
