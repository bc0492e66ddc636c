"""The banks an applicant may be paid into, by their Bank of Thailand codes
(the three digits corporate online banking files use)."""

from dataclasses import dataclass

from saduak.core.bilingual import in_language


@dataclass(frozen=True)
class Bank:
    code: str
    short: str
    name_th: str
    name_en: str

    @property
    def name(self) -> str:
        return in_language({"th": self.name_th, "en": self.name_en})


BANKS: dict[str, Bank] = {
    bank.code: bank
    for bank in (
        Bank("002", "BBL", "ธนาคารกรุงเทพ", "Bangkok Bank"),
        Bank("004", "KBANK", "ธนาคารกสิกรไทย", "Kasikornbank"),
        Bank("006", "KTB", "ธนาคารกรุงไทย", "Krungthai Bank"),
        Bank("011", "TTB", "ธนาคารทหารไทยธนชาต", "TMBThanachart Bank"),
        Bank("014", "SCB", "ธนาคารไทยพาณิชย์", "Siam Commercial Bank"),
        Bank("022", "CIMBT", "ธนาคารซีไอเอ็มบี ไทย", "CIMB Thai Bank"),
        Bank("024", "UOBT", "ธนาคารยูโอบี", "United Overseas Bank (Thai)"),
        Bank("025", "BAY", "ธนาคารกรุงศรีอยุธยา", "Bank of Ayudhya (Krungsri)"),
        Bank("030", "GSB", "ธนาคารออมสิน", "Government Savings Bank"),
        Bank("033", "GHB", "ธนาคารอาคารสงเคราะห์", "Government Housing Bank"),
        Bank(
            "034",
            "BAAC",
            "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร",
            "Bank for Agriculture and Agricultural Cooperatives",
        ),
        Bank(
            "066",
            "IBANK",
            "ธนาคารอิสลามแห่งประเทศไทย",
            "Islamic Bank of Thailand",
        ),
        Bank("067", "TISCO", "ธนาคารทิสโก้", "TISCO Bank"),
        Bank("069", "KKP", "ธนาคารเกียรตินาคินภัทร", "Kiatnakin Phatra Bank"),
        Bank("073", "LHBANK", "ธนาคารแลนด์ แอนด์ เฮ้าส์", "Land and Houses Bank"),
    )
}


def bank_name(code: str) -> str:
    bank = BANKS.get(code)
    return bank.name if bank else code


def mask_account(number: str) -> str:
    """Only the last four digits, as on a bank's own slips."""
    if len(number) <= 4:
        return number
    return "x" * (len(number) - 4) + number[-4:]
