# Foreign registration number (외국인등록번호): YYMMDD-GNNNNNC, G in 5-8.
# Validator kr_frn (lib/detect/rrn.c): both published check-digit variants
# count as checksum; otherwise structural as for RRNs.
# Served provision: PIPA Art. 24 and the safety-measures standard (unique identifier).
[kr_frn]
name = Foreign registration number
regex = {{LB}}(?<![*#]){{DIGIT}}{6}(?:{{DASH}}{{SP}}?|{{SP}}(?:{{DASH}}{{SP}}?)?)?{{MDIGIT}}{7}(?!{{MDIGIT}}){{RB}}
validator = kr_frn
trigger = digits 13 group 6-13 prefix 0
# Its groups: 13 (bare) or 6 and 7 (halves apart; masks count as members).
shape = 13 | 6+7
# Every match starts with the six digits of the birth date.
lead = 6
context = 외국인등록번호, 외국인번호, 외국인등록, 외국인, 등록번호, FRN, ARN, alien registration, foreign registration, residence card
context_before = 64
context_after = 32
# A corporate registration number (법인등록번호, 13 digits as 6-7, a registry
# office code and a serial, not a person's) labelled as such is not one.
context_not = 법인등록번호, 법인 등록번호, 법인번호, 등기번호, corporate registration, corporation number
context_not_before = 32
confidence = high
