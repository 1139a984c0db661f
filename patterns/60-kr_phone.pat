# Korean phone number: 010/011/016-019 mobiles, area codes, 070, 0502-0508, +82.
# Validator kr_phone (lib/detect/phone.c): numbering plan, grouping, context for bare landlines.
# A national number starts with the trunk prefix 0 (or ０); spelling that
# out lets PCRE2 skip every other digit as a start position.
[kr_phone]
name = Phone number
# Grouped: prefix, 3-4, 4 with one separator (dash, dot, space, or a dash
# between spaces as typed forms write it: 010 - 1234 - 5678) used
# consistently; +82 forms drop the trunk 0 or write it as (0).  Bare: a run
# of 9-12 digits (the validator keeps 010 mobiles, others need a keyword).
# Not inside a longer dash-joined number on either side.  The area code of
# a landline is often set off by a parenthesis, as on every letterhead:
# (02) 123-4567, 02)123-4567, (031)1234-5678.
regex = {{LB}}(?<![0-9]-)(?:
regex += (?:\+82(?:{{SEP}}?\(0\))?{{SEP}}?{{DIGIT}}{1,2}|(?:0|\xEF\xBC\x90){{DIGIT}}{1,3})({{SEP}}|\x20{{DASH}}\x20){{MDIGIT}}{3,4}\1{{MDIGIT}}{4}
regex += |\(?(?:0|\xEF\xBC\x90){{DIGIT}}{1,3}\){{SP}}?{{MDIGIT}}{3,4}(?:{{SEP}}|\x20{{DASH}}\x20){{MDIGIT}}{4}
regex += |\+82{{SEP}}?{{DIGIT}}{3}{{MDIGIT}}{6,9}|(?:0|\xEF\xBC\x90){{DIGIT}}{2}{{MDIGIT}}{6,9}
regex += )(?!{{DASH}}{{DIGIT}})(?!{{MDIGIT}}){{RB}}
validator = kr_phone
# 02-123-4567 has 9 digits; the last group always has 4.
trigger = digits 9 group 4-12 prefix 1
# A match that starts with a digit starts with two (the trunk 0 and the next).
lead = 2
context = 전화번호, 전화, 연락처, 휴대폰, 핸드폰, 휴대전화, 팩스, TEL, phone, mobile, cell, FAX
context_before = 48
context_after = 16
confidence = medium
