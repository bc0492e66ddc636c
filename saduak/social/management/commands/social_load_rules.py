from django.core.management.base import BaseCommand, CommandError

from saduak.core.errors import DomainError
from saduak.social.models import RuleSet
from saduak.social.services.rules import rule_set_create, rules_load_default

ACTOR = "command:social_load_rules"


class Command(BaseCommand):
    help = (
        "Loads the default national screening rules (social/data/rules_default.json) "
        "into a year's rule set, making the rule set if it is missing. Rules the "
        "set already has (by key) are left as they are."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--year", type=int, required=True, help="Buddhist-era year, e.g. 2569"
        )

    def handle(self, *args: object, **options: object) -> None:
        year = int(options["year"])  # type: ignore[call-overload]
        try:
            rule_set = RuleSet.objects.filter(year=year).first()
            if rule_set is None:
                rule_set = rule_set_create(
                    year=year,
                    name_th=f"เกณฑ์คัดกรองกลุ่มเป้าหมาย พ.ศ. {year}",
                    name_en=f"Screening rules {year} B.E.",
                    actor=ACTOR,
                )
            added = rules_load_default(rule_set=rule_set, actor=ACTOR)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"Added {added} default rules to the rule set of {year}.")
