from django.conf import settings
from django.db import migrations

from saduak.audit.guard import install_guard, remove_guard


def reinstall(apps, schema_editor):
    """The triggers now let the sequencer seal an unsealed event (and nothing else)."""
    if getattr(settings, "AUDIT_APPEND_ONLY_GUARD", True):
        remove_guard(schema_editor.connection)
        install_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_unsealed_events")]
    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
