from datetime import date

from ninja import Field, Schema

from saduak.feedback.models import COMMENT_MAX_LENGTH


class VoteIn(Schema):
    office: str = Field(description="The office's code, as in its QR code address.")
    score: int = Field(description="1 (very unhappy) to 5 (very happy).")
    device_id: str = Field(
        max_length=64,
        description="A random id the app keeps for this device (20-64 letters, "
        "digits or dashes): one vote per device, office and day.",
    )
    counter: int | None = Field(None, description="The counter's number, if known.")
    service: str = Field("", description="The code of the service received.")
    comment: str = Field("", description=f"At most {COMMENT_MAX_LENGTH} characters.")


class VoteOut(Schema):
    id: str = Field(description="The vote's public key (the same all day).")
    status: str = Field(
        description="counted, or held for a moderator (past two anonymous votes "
        "from one network for the office today, or past its usual day)."
    )
    replaced: bool = Field(description="True when it replaced today's earlier vote.")


class IndexOut(Schema):
    votes: int
    verified_votes: int = Field(
        description="Of the votes, those of a served ticket, LINE or a signed-in "
        "citizen; the rest are anonymous (QR page, app)."
    )
    mean: float | None = Field(description="Mean happiness 1-5; null without votes.")
    happy_share: float | None = Field(description="Share of votes 4 or 5 (0-1).")
    distribution: list[int] = Field(description="Votes for 1, 2, 3, 4 and 5.")


class RankedDistrictOut(Schema):
    rank: int | None
    district: str
    name: str
    name_th: str
    name_en: str
    province: str
    province_name: str
    verified_votes: int
    bayesian_mean: float | None = Field(
        description="The ranking score: the Bayesian mean with anonymous votes "
        "weighed within a bound (see /happiness/method/)."
    )
    index: IndexOut


class RankingOut(Schema):
    start: date
    end: date
    national: IndexOut
    min_votes: int = Field(description="The Bayesian average's weight of the mean.")
    licence: str
    districts: list[RankedDistrictOut]
