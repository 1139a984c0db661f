# Resident registration number (주민등록번호): YYMMDD-GNNNNNC.
# Validator kr_rrn (lib/detect/rrn.c, docs/detectors.md#kr_rrn): real date,
# gender digit 1-4 (9/0: 1800s), check digit; a failing check digit is kept
# as structural when hyphenated or near a keyword (post-2020 numbers have none).
# Served provision: PIPA Art. 24-2.  This file comes first: strongest type.
[kr_rrn]
name = Resident registration number
# The birth date must be written out (it is what is validated); the last
# seven may be masked (900101-1******, 900101-*******).  Between the halves
# a dash, a space (forms and OCR write 900101 1234567), a dash with a space
# on one or both sides (typed forms: 900101 - 1234567), or nothing.  No mask characters on either side, so a longer masked
# run is not cut into a "number".
regex = {{LB}}(?<![*#]){{DIGIT}}{6}(?:{{DASH}}{{SP}}?|{{SP}}(?:{{DASH}}{{SP}}?)?)?{{MDIGIT}}{7}(?!{{MDIGIT}}){{RB}}
validator = kr_rrn
# 13 digits or masks in every accepted form; the longer half has 7 (group 6 leaves a margin).
trigger = digits 13 group 6-13 prefix 0
# Its groups: 13 (bare) or 6 and 7 (halves apart; masks count as members).
shape = 13 | 6+7
# Every match starts with the six digits of the birth date.
lead = 6
context = 주민등록번호, 주민번호, 주민등록, 주민, 생년월일, RRN, resident registration, resident number
context_before = 64
context_after = 32
# A corporate registration number (법인등록번호, 13 digits as 6-7, a registry
# office code and a serial, not a person's) labelled as such is not one.
context_not = 법인등록번호, 법인 등록번호, 법인번호, 등기번호, corporate registration, corporation number
context_not_before = 32
confidence = high
