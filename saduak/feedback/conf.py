"""The feedback app's own settings with their defaults: each is read from the
project's settings, else from the environment variable of the same name, else
takes the value here. docs/feedback.md explains each choice."""

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Anonymous votes (the QR page without sign-in, an app's device id) for one
    # office from one network (address) in one day that count; the rest are
    # held for a moderator. Two: a couple at the counter together, on the
    # office's Wi-Fi or one carrier's shared address.
    "FEEDBACK_ANONYMOUS_PER_SOURCE_OFFICE_DAY": 2,
    # An office's anonymous votes in a day count up to this many times its
    # usual day (its busiest day of anonymous votes in the last four weeks),
    # and never fewer than FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR; the rest are
    # held as beyond its usual volume.
    "FEEDBACK_ANONYMOUS_OFFICE_DAY_FACTOR": 2,
    "FEEDBACK_ANONYMOUS_OFFICE_DAY_FLOOR": 20,
    # Anonymous votes stored (counted or held) from one network in a day,
    # across all offices, before further ones are refused with 429: what a
    # script can add to the table, not what counts.
    "FEEDBACK_ANONYMOUS_STORED_PER_SOURCE_DAY": 5000,
    # In the ranking an anonymous vote weighs this much of a verified one,
    # and the anonymous votes together never more than the district's
    # verified votes or, with fewer, FEEDBACK_RANKING_MIN_VOTES.
    "FEEDBACK_ANONYMOUS_WEIGHT": 0.5,
}


def feedback_setting(name: str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    found = os.environ.get(name, "").strip()
    return type(default)(found) if found else default
