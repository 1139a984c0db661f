# Passport number (여권번호): M12345678, and since 2021-12 M123A4567.
# Validator kr_passport (lib/detect/passport.c): only with a keyword nearby.
# Served provision: PIPA Art. 24 and the safety-measures standard (unique identifier).
[kr_passport]
name = Passport number
regex = {{LB}}[MSRDGOmsrdgo](?:{{DIGIT}}{8}|{{DIGIT}}{3}[A-Za-z]{{DIGIT}}{4}){{RB}}
validator = kr_passport
# The new form M123A4567 has 7 digits, in groups of 3 and 4.
trigger = digits 7 group 4-8 prefix 1
context = 여권번호, 여권, passport
context_required = yes
context_before = 64
context_after = 32
confidence = high
