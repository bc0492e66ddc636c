"""A directive's official letter (หนังสือสั่งการ) as PDF, in the layout of the
Saraban rules (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ): content.py says what
the letter shows, pdf.py prints it, emblem.py reads the configured emblem."""
