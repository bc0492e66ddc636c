"""Where each of the 77 provinces sits on the tile-grid map of the HQ overview:
one square per province at a (row, column) roughly matching its geography, so
that every province gets the same space (Bangkok and Mae Hong Son alike) and
the map needs no drawing and no JavaScript. The north is row 0; the peninsula
runs down column 1 to the deep south. Keyed by the department's 2-digit
province code; `short_th` is the official abbreviation (as on number plates),
`short_en` a three-letter one of our own."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    code: str
    row: int
    column: int
    short_th: str
    short_en: str


ROWS = 18
COLUMNS = 10

# code: (row, column, Thai abbreviation, English abbreviation)
_TILES: dict[str, tuple[int, int, str, str]] = {
    # North
    "57": (0, 3, "ชร", "CRI"),
    "58": (1, 1, "มส", "MSN"),
    "50": (1, 2, "ชม", "CMI"),
    "56": (1, 3, "พย", "PYO"),
    "55": (1, 4, "นน", "NAN"),
    "51": (2, 2, "ลพ", "LPN"),
    "52": (2, 3, "ลป", "LPG"),
    "54": (2, 4, "พร", "PRE"),
    "64": (3, 2, "สท", "STI"),
    "53": (3, 3, "อต", "UTD"),
    "65": (3, 4, "พล", "PLK"),
    "63": (4, 1, "ตก", "TAK"),
    "62": (4, 2, "กพ", "KPT"),
    "66": (4, 3, "พจ", "PCT"),
    "67": (4, 4, "พช", "PNB"),
    "61": (5, 2, "อน", "UTI"),
    "60": (5, 3, "นว", "NSN"),
    # Northeast
    "43": (2, 6, "นค", "NKI"),
    "38": (2, 7, "บก", "BKN"),
    "42": (3, 5, "ลย", "LEI"),
    "41": (3, 6, "อด", "UDN"),
    "47": (3, 7, "สน", "SNK"),
    "48": (3, 8, "นพ", "NPM"),
    "39": (4, 5, "นภ", "NBP"),
    "40": (4, 6, "ขก", "KKN"),
    "46": (4, 7, "กส", "KSN"),
    "49": (4, 8, "มห", "MDH"),
    "36": (5, 5, "ชย", "CPM"),
    "44": (5, 6, "มค", "MKM"),
    "45": (5, 7, "รอ", "RET"),
    "35": (5, 8, "ยส", "YST"),
    "37": (5, 9, "อจ", "ACR"),
    "30": (6, 5, "นม", "NMA"),
    "31": (6, 6, "บร", "BRM"),
    "32": (6, 7, "สร", "SRN"),
    "33": (6, 8, "ศก", "SSK"),
    "34": (6, 9, "อบ", "UBN"),
    # Central
    "16": (5, 4, "ลบ", "LRI"),
    "71": (6, 1, "กจ", "KRI"),
    "18": (6, 2, "ชน", "CNT"),
    "17": (6, 3, "สห", "SBR"),
    "19": (6, 4, "สบ", "SRI"),
    "72": (7, 2, "สพ", "SPB"),
    "15": (7, 3, "อท", "ATG"),
    "14": (7, 4, "อย", "AYA"),
    "70": (8, 1, "รบ", "RBR"),
    "73": (8, 2, "นฐ", "NPT"),
    "12": (8, 3, "นบ", "NBI"),
    "13": (8, 4, "ปท", "PTE"),
    "75": (9, 1, "สส", "SKM"),
    "74": (9, 2, "สค", "SKN"),
    "10": (9, 3, "กทม", "BKK"),
    "11": (9, 4, "สป", "SPK"),
    "76": (10, 1, "พบ", "PBI"),
    "77": (11, 1, "ปข", "PKN"),
    # East
    "26": (7, 5, "นย", "NYK"),
    "25": (7, 6, "ปจ", "PRI"),
    "27": (7, 7, "สก", "SKW"),
    "24": (8, 5, "ฉช", "CCO"),
    "20": (9, 5, "ชบ", "CBI"),
    "21": (10, 5, "รย", "RYG"),
    "22": (10, 6, "จบ", "CTI"),
    "23": (10, 7, "ตร", "TRT"),
    # South
    "85": (12, 0, "รน", "RNG"),
    "86": (12, 1, "ชพ", "CPN"),
    "82": (13, 0, "พง", "PNA"),
    "84": (13, 1, "สฎ", "SNI"),
    "83": (14, 0, "ภก", "PKT"),
    "81": (14, 1, "กบ", "KBI"),
    "80": (14, 2, "นศ", "NRT"),
    "92": (15, 1, "ตง", "TRG"),
    "93": (15, 2, "พท", "PLG"),
    "91": (16, 1, "สต", "STN"),
    "90": (16, 2, "สข", "SKA"),
    "94": (16, 3, "ปน", "PTN"),
    "95": (17, 3, "ยล", "YLA"),
    "96": (17, 4, "นธ", "NWT"),
}

TILES: dict[str, Tile] = {
    code: Tile(code, row, column, short_th, short_en)
    for code, (row, column, short_th, short_en) in _TILES.items()
}


def tile_of(code: str) -> Tile | None:
    return TILES.get(code)
