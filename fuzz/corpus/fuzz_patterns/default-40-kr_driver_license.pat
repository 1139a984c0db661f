# Driver's licence number (운전면허번호): RR-YY-NNNNNN-NN, region 11-26/28,
# or the pre-2014 form with a Hangul region name (서울 12-345678-90).
# Validator kr_driver_license (lib/detect/driver_license.c).
# Served provision: PIPA Art. 24 and the safety-measures standard (unique identifier).
[kr_driver_license]
name = Driver's licence number
# Separators: a dash, a space or none, the same throughout.  The serial and
# the last two digits may be masked.  Longer region names come first in the
# alternation (경기남부 before 경기).
regex = {{LB}}(?:{{DIGIT}}{2}((?:{{DASH}}|{{SP}})?){{DIGIT}}{2}\1{{MDIGIT}}{6}\1{{MDIGIT}}{2}
regex += |(?:서울|부산|경기남부|경기북부|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산){{SP}}?{{DIGIT}}{2}((?:{{DASH}}|{{SP}})?){{MDIGIT}}{6}\2{{MDIGIT}}{2}
regex += )(?!{{MDIGIT}}){{RB}}
validator = kr_driver_license
# The old form has 10 digits; every form has a 6-digit serial group.
trigger = digits 10 group 6-12 prefix 16
# Its groups: 12 (bare), 10 (old form, bare after the region name), or 2
# and 6 (RR-YY-NNNNNN-NN, region name + YY-NNNNNN-NN; masks count as members).
shape = 12 | 10 | 2+6
context = 운전면허, 면허번호, 면허, 운전, driver, driving licen
context_before = 64
context_after = 32
confidence = medium
