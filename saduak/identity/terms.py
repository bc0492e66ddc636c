"""The terms of use and privacy notice this release publishes (TERMS_VERSION).
A change is a new version: never edit a published text."""

TERMS_TH = """ข้อกำหนดการใช้งานและประกาศความเป็นส่วนตัวของดิจิทัลไอดี ฉบับ 2569.1

1. ดิจิทัลไอดีใช้ยืนยันตัวตนของท่านกับบริการของกรมและหน่วยงานพันธมิตรที่ท่านอนุญาต
2. กรมเก็บเลขประจำตัวประชาชน ชื่อ วันเกิด และข้อมูลการติดต่อที่ท่านให้ เพื่อให้บริการและป้องกันการแอบอ้าง
3. ทุกครั้งที่หน่วยงานหรือเจ้าหน้าที่ใช้ข้อมูลของท่าน ระบบบันทึกไว้ และท่านดูบันทึกนั้นได้เอง
4. ท่านดาวน์โหลดข้อมูลทั้งหมดของท่าน และปิดดิจิทัลไอดีได้ทุกเมื่อ
5. อย่าบอกรหัสผ่านแก่ผู้ใด เจ้าหน้าที่จะไม่ถามรหัสผ่านของท่าน"""

TERMS_EN = """Digital ID terms of use and privacy notice, version 2569.1

1. Your digital ID proves who you are to the department's services and to partner agencies you allow.
2. The department keeps your personal ID, name, date of birth and the contact details you give, to serve you and to prevent impersonation.
3. Every use of your data by an agency or an officer is recorded, and you can read that record yourself.
4. You can download all your data and close your digital ID at any time.
5. Never tell anyone your password. Officers will never ask for it."""
