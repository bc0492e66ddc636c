"""The KPI report and the organisation report (content.py), printed as PDF
(pdf.py) and written as XLSX (xlsx.py)."""
