"""The production stack: configuration files an operator installs (deploy/conf,
deploy/systemd) and `python -m deploy.stack`, which runs them all on one machine."""
