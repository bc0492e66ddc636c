"""Social Match's hand-written SQL (docs/layout.md 8.3): the set-based import
and screening that national-scale sources need (millions of rows, no per-row
Python loop). Each statement says why the ORM could not, and the bench
numbers (docs/bench-social.md)."""

# --- Imports (staging) -----------------------------------------------------------

# --- Screening -------------------------------------------------------------------
