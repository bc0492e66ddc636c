"""The public ids added to existing rows (identity 0007-0008, oidc 0002-0003)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("identity", "0006_data_access_lean"), ("oidc", "0001_initial")]
AFTER = [
    ("identity", "0008_public_ids_unique"),
    ("oidc", "0003_consent_public_id_unique"),
]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_rows_each_get_their_own_public_id(make_user):
    try:
        old = _migrate(BEFORE)
        User = old.get_model("accounts", "User")
        person = User.objects.create(personal_id="1100000000016", password="x")
        for n in range(3):
            old.get_model("identity", "Passkey").objects.create(
                user=person, credential_id=f"c{n}", public_key=b"k", name="p"
            )
            old.get_model("identity", "SignInSession").objects.create(
                user=person, session_key=f"s{n}"
            )
            partner = old.get_model("identity", "Partner").objects.create(
                name_th=f"p{n}", kind="bank", purpose_th="x"
            )
            old.get_model("oidc", "PartnerConsent").objects.create(
                user=person,
                partner=partner,
                scopes="openid",
                revoked_at="2026-01-01T00:00Z",
            )
        new = _migrate(AFTER)
        for app, name in [
            ("identity", "Passkey"),
            ("identity", "SignInSession"),
            ("identity", "Partner"),
            ("oidc", "PartnerConsent"),
        ]:
            ids = list(
                new.get_model(app, name).objects.values_list("public_id", flat=True)
            )
            assert len(ids) == 3 and None not in ids and len(set(ids)) == 3, name
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())
