# Payment card number: issuer prefix and length, then Luhn.
# Validator card (lib/detect/card.c, docs/detectors.md#card).
# Served provision: safety-measures standard (card numbers stored encrypted).
[card]
name = Payment card number
# Left boundary: also not right after "digit." -- a decimal fraction such
# as 0.5309136012499991 (CSS, JSON floats) is not a card; and not followed by
# ".digit" either.  A comma is not treated so: in CSV it separates fields
# ("1,4111111111111111,2024-01-15").
regex = {{LB}}(?<![0-9]\.)(?<![*#])(?:
# contiguous, 13-19 (masks allowed after the first digit)
regex += {{DIGIT}}{{MDIGIT}}{12,18}
# 4-4-4-4; one separator throughout.  The first alternative that matches
# wins, so "4870 7541 4980 4859 21:17:14" gives the card, not an 18-digit
# number that fails Luhn; a 17-19-digit grouped card (rare) is tried only
# when the 16-digit reading does not match.
regex += |{{DIGIT}}{{MDIGIT}}{3}({{DASH}}|{{SP}})(?:{{MDIGIT}}{4}\1){2}{{MDIGIT}}{4}(?!\.{{DIGIT}})(?!{{MDIGIT}}){{RB}}
# 4-4-4-4 with a tail of 1-3 (17-19 digits)
regex += |{{DIGIT}}{{MDIGIT}}{3}({{DASH}}|{{SP}})(?:{{MDIGIT}}{4}\2){3}{{MDIGIT}}{1,3}
# 4-6-5 (AMEX) and 4-6-4 (Diners)
regex += |{{DIGIT}}{{MDIGIT}}{3}({{DASH}}|{{SP}}){{MDIGIT}}{6}\3{{MDIGIT}}{4,5}
regex += )(?!\.{{DIGIT}})(?!{{MDIGIT}}){{RB}}
validator = card
# Visa 13 is the shortest PAN; 4-4-4-4 has groups of 4.
trigger = digits 13 group 4-19 prefix 0
# Its groups: a bare run of 13-19, or a first group of 4 (4-4-4-4, 4-6-5, 4-6-4,
# 4-4-4-4-1..3; masks count as members).
shape = 4 | 13 | 14 | 15 | 16 | 17 | 18 | 19
# Every match starts with 4 digits or masks in a row (a first group of 4, or
# 13-19 contiguous): the 0 of a decimal fraction 0.1691882154506551 starts none.
lead = 4
confidence = high
