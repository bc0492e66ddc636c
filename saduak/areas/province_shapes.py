"""Which shape of the province map is which province. The map is npm
`@svg-maps/thailand` (CC BY 4.0, by Tae Noppakun Wongsrinoppakun), turned into
GeoJSON at install (assets/charts/build.mjs, served as
`vendor/charts/thailand-provinces.json`); its shapes are named by short
letters ("cmi"), the map's provinces by their DOPA code ("50"). A page's map
row names its shape with `shape_of(code)`."""

from django.utils.translation import gettext_lazy as _

SHAPES_STATIC_PATH = "vendor/charts/thailand-provinces.json"
CREDIT = _(
    "Province map: @svg-maps/thailand by Tae Noppakun Wongsrinoppakun, "
    "licensed CC BY 4.0."
)
CREDIT_URL = "https://creativecommons.org/licenses/by/4.0/"

SHAPE_BY_PROVINCE: dict[str, str] = {
    "10": "bkk", "11": "spk", "12": "nbi", "13": "pte", "14": "aya", "15": "atg",
    "16": "lri", "17": "sbr", "18": "cnt", "19": "sri", "20": "cbi", "21": "ryg",
    "22": "cti", "23": "trt", "24": "cco", "25": "pri", "26": "nyk", "27": "skw",
    "30": "nma", "31": "brm", "32": "srn", "33": "ssk", "34": "ubn", "35": "yst",
    "36": "cpm", "37": "acr", "38": "bkn", "39": "nbp", "40": "kkn", "41": "udn",
    "42": "lei", "43": "nki", "44": "mkm", "45": "ret", "46": "ksn", "47": "snk",
    "48": "npm", "49": "mdh", "50": "cmi", "51": "lpn", "52": "lpg", "53": "utd",
    "54": "pre", "55": "nan", "56": "pyo", "57": "cri", "58": "msn", "60": "nsn",
    "61": "uti", "62": "kpt", "63": "tak", "64": "sti", "65": "plk", "66": "pct",
    "67": "pnb", "70": "rbr", "71": "kri", "72": "spb", "73": "npt", "74": "skn",
    "75": "skm", "76": "pbi", "77": "pkn", "80": "nrt", "81": "kbi", "82": "pna",
    "83": "pkt", "84": "sni", "85": "rng", "86": "cpn", "90": "ska", "91": "stn",
    "92": "trg", "93": "plg", "94": "ptn", "95": "yla", "96": "nwt",
}  # fmt: skip


def shape_of(province_code: str) -> str:
    """The map's shape of a province ('' for a code the map does not draw)."""
    return SHAPE_BY_PROVINCE.get(province_code, "")
