"""Signal receivers of the e-services app. They only call a service; the work
is in the service."""

from typing import Any

from django.db import DEFAULT_DB_ALIAS


def builtin_services_on_migrate(
    sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    """After `migrate` (and after a test database is flushed): the built-in
    services that are missing are installed."""
    if using != DEFAULT_DB_ALIAS:
        return
    from saduak.eservices.catalogue import builtin_services_install

    builtin_services_install()
