from django.http import HttpRequest
from ninja import Router

from saduak.accounts.api_auth import STAFF_OR_MACHINE
from saduak.accounts.schemas import MeOut
from saduak.accounts.scoping import active_roles

router = Router(auth=STAFF_OR_MACHINE)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "personal_id_masked": user.masked_personal_id,  # type: ignore[union-attr]
        "first_name": user.first_name,  # type: ignore[union-attr]
        "last_name": user.last_name,  # type: ignore[union-attr]
        "preferred_language": user.preferred_language,  # type: ignore[union-attr]
        "roles": [
            {
                "role": role.role,
                "office_code": role.office.code,
                "office_name_th": role.office.name_th,
            }
            for role in active_roles(user)  # type: ignore[arg-type]
        ],
    }
