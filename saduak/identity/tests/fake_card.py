"""A Thai ID card as the reader sees it: answers the applet's SELECT, the reads at
the documented offsets (SW 61 xx) and GET RESPONSE, with TIS-620 text."""

from saduak.identity import card_reader


class FakeThaiIdCard:
    def __init__(self, *, atr=(0x3B, 0x78), expiry="25720314", select_sw=(0x61, 0x0A)):
        self.atr = list(atr)
        self.select_sw = select_sw
        self.items = {
            card_reader.PERSONAL_ID.offset: "1100000000016",
            card_reader.NAME_TH.offset: "นาง#สมศรี##ใจดี",
            card_reader.NAME_EN.offset: "Mrs.#Somsri##Jaidee",
            card_reader.BIRTH_DATE.offset: "25280314",
            card_reader.ISSUE_DATE.offset: "25630314",
            card_reader.EXPIRY_DATE.offset: expiry,
        }
        self.pending = b""
        self.sent = []

    def transmit(self, apdu):
        self.sent.append(list(apdu))
        if apdu == card_reader.SELECT_APPLET:
            return [], *self.select_sw
        if apdu[:2] == [0x80, 0xB0]:
            offset, length = (apdu[2] << 8) | apdu[3], apdu[6]
            value = self.items[offset].encode("cp874").ljust(length, b" ")
            self.pending = value[:length]
            return [], 0x61, length
        get_response_p2 = 0x01 if self.atr[:2] == [0x3B, 0x67] else 0x00
        if apdu[:4] == [0x00, 0xC0, 0x00, get_response_p2]:
            return list(self.pending), 0x90, 0x00
        return [], 0x6D, 0x00  # instruction not supported
