from saduak.core import referral_targets
from saduak.core.referral_targets import (
    ReferralService,
    ReferralTarget,
    referral_target,
    referral_target_register,
)


def test_the_registered_target_is_the_one_looked_up_and_a_second_replaces_it():
    before = referral_target()
    try:
        target = ReferralTarget(
            services=lambda: [ReferralService(code="x", name="X")],
            office_takes=lambda code, office: True,
            start=lambda **kwargs: "REF",
            url_name="somewhere",
        )
        referral_target_register(target)
        assert referral_target() is target
        assert referral_target().start(service_code="x") == "REF"
    finally:
        referral_targets._TARGET.clear()
        if before is not None:
            referral_target_register(before)


def test_eservices_registers_itself_when_the_apps_are_ready():
    target = referral_target()
    assert target is not None
    assert target.url_name == "eservices-staff:application"
