# Passport number (여권번호): M12345678, and since 2021-12 M123A4567.
# Validator kr_passport (lib/detect/passport.c): only with a keyword nearby.
# Served provision: PIPA Art. 24 and the safety-measures standard (unique identifier).
[kr_passport]
name = Passport number
regex = {{LB}}[MSRDGOmsrdgo]\x20?(?:{{DIGIT}}{8}|{{DIGIT}}{3}[A-Za-z]{{DIGIT}}{4}){{RB}}
validator = kr_passport
# The new form M123A4567 has 7 digits, in groups of 3 and 4.  The letter
# may be followed by a space (M 12345678): prefix 2.
trigger = keyword
context = 여권번호, 여권, passport
context_required = yes
# The bare shape is a common part or product code: a code named as such right
# before it is not a passport, whatever keyword is further away (found by
# tests/accuracy: "여권번호는 M12345678이며 제품코드 S76231432").
context_not = 제품코드, 상품코드, 제품번호, 모델명, 모델번호, 모델, 품번, 부품번호, 부품, 코드, 주문번호, 문서번호, 관리번호, 일련번호, 시리얼, product, model, part, code, serial, order, SKU
context_not_before = 24
context_before = 64
context_after = 32
confidence = high
