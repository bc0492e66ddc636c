from ninja import Schema


class StaffRoleOut(Schema):
    role: str
    office_code: str
    office_name_th: str


class MeOut(Schema):
    personal_id_masked: str
    first_name: str
    last_name: str
    preferred_language: str
    roles: list[StaffRoleOut]
