"""What the areas app tells the apps built on it."""

from django.dispatch import Signal

# An office closes on a day (`holiday.office`), or every office does (a national
# holiday, `holiday.office` None). Sent with `holiday` inside the transaction that
# adds it, so receivers can act after it commits (transaction.on_commit).
closure_added = Signal()
