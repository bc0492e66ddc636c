"""The production stack on one machine (python -m deploy.stack, `make stack`):
production's settings, plus the demo data the smoke tests sign in with."""

from .production import *  # noqa: F403

# seed_demo and demo_code refuse to run unless DEBUG or this: the stack runs with
# DEBUG off, as production does, and still needs the demo accounts.
DEMO_SEED_ALLOWED = True
