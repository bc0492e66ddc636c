"""What only the benchmark's own server has: the bulk loaders it runs through
`manage.py` and the upload baseline it measures against. Installed by
`bench.app.settings` (the settings the bench runner gives gunicorn and
`manage.py`), never by config.settings, so no production server has them."""
