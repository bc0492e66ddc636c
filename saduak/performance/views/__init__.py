"""The performance pages, one module per area (setup, results, imports, reports)."""
