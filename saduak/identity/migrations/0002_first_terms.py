from django.db import migrations

# The published text lives once, in saduak/identity/terms.py (never edited).
from saduak.identity.terms import TERMS_EN, TERMS_TH


def publish(apps, schema_editor):
    TermsVersion = apps.get_model("identity", "TermsVersion")
    TermsVersion.objects.get_or_create(
        version="2569.1", defaults={"text_th": TERMS_TH, "text_en": TERMS_EN}
    )


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
