# Bank account number (계좌번호): known per-bank groupings or a bare run of
# 10-14 digits, and always a keyword nearby (there is no public checksum).
# Validator kr_account (lib/detect/account.c).
# Served provision: safety-measures standard (account numbers stored encrypted).
[kr_account]
name = Bank account number
# Dash-joined groups (the validator checks the layout against its bank
# table) or a bare run.  Masks allowed after the first group.
regex = {{LB}}(?<![0-9]-)(?:{{DIGIT}}{1,8}({{DASH}}){{MDIGIT}}{1,11}(?:\1{{MDIGIT}}{1,11}){0,5}|{{DIGIT}}{10,14})
regex += (?!{{DASH}}{{MDIGIT}})(?!{{MDIGIT}}){{RB}}
validator = kr_account
trigger = digits 10 group 4-14 prefix 0
# Bank names without 은행/뱅크 in them are listed on their own; 국민, 우리,
# 하나 and 기업 alone are ordinary Korean words and are matched only as
# 국민은행 etc. (through 은행).
context = 계좌번호, 계좌, 입금, 예금주, 이체, 송금, 은행, 뱅크, 신한, 농협, 수협, 신협, 우체국, 새마을금고, SC제일, 씨티, KB국민, IBK, account, bank
context_required = yes
# Numbers that are named as something else right before them are not
# accounts, whatever keyword is further away (the benchmark corpus puts
# "입금되었습니다" and "account manager" near parcel numbers).
# Labels of other numbers found by tests/accuracy too (문서번호 2024-1234-5678
# is a 4-4-4 layout; 바코드 880... is a bare run).
context_not = 운송장번호, 운송장, 송장번호, 송장, 주문번호, 주문, 택배, 사업자등록번호, 사업자번호, 전화, 연락처, 휴대폰, 팩스, 문서번호, 접수번호, 관리번호, 고객번호, 회원번호, 사원번호, 사번, 학번, 제품번호, 모델번호, 일련번호, 승인번호, 거래번호, 청구번호, 증권번호, 계약번호, 예약번호, 우편번호, 바코드, 시리얼, tracking, order, invoice, serial, barcode, TEL, FAX
context_not_before = 24
context_before = 48
context_after = 32
confidence = medium
