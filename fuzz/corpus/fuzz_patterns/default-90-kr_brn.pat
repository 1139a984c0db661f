# Business registration number (사업자등록번호): XXX-YY-ZZZZC with a check digit.
# Off by default: it identifies a business (personal only for sole proprietors).
# Validator kr_brn (lib/detect/brn.c).
[kr_brn]
name = Business registration number
regex = {{LB}}{{DIGIT}}{3}({{DASH}}?){{DIGIT}}{2}\1{{DIGIT}}{5}{{RB}}
validator = kr_brn
trigger = digits 10 group 5-10 prefix 0
context = 사업자등록번호, 사업자번호, 사업자, BRN, business registration
confidence = high
enabled = no
