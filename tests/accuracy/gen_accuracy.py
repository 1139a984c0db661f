#!/usr/bin/env python3
"""An accuracy corpus with ground truth: realistic Korean business files.

Usage: gen_accuracy.py OUTDIR [SEED]

Writes OUTDIR/corpus/... (HR rosters, customer exports, contracts, letters,
meeting notes and mails, in txt (UTF-8 and CP949), csv, xlsx, docx, hwpx, eml
and zip) and OUTDIR/truth.json: for every file or member path as piiscan
reports it, the personal data written into it -- type and the exact text.

The documents mix real-looking values of every detector (checksum-valid and
post-2020 registration numbers, foreign registration numbers, cards of every
scheme and grouping, mobiles, landlines, 070 and +82 forms, accounts in each
bank's layout, passports, both licence forms, e-mail addresses, masked
values) with the numbers that make scanners cry wolf in such files: dates,
amounts, order and invoice numbers, parcel numbers, business registration
numbers, representative numbers, millisecond timestamps, EAN-13 barcodes,
product codes shaped like passports, version numbers and IP addresses.

Everything comes from one seeded generator: the same seed, the same corpus.
Values are generated from the published rules (docs/detectors.md,
../shared/KOREAN-PII-RULES.md), not from piiscan's code."""
import datetime
import io
import json
import os
import random
import sys
import zipfile
from email.message import EmailMessage

RND = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20261123)
SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍"
GIVEN = ["민준", "서연", "도윤", "하은", "시우", "지우", "주원", "서윤", "지호", "하린", "예준",
         "수아", "건우", "지민", "현우", "채원", "우진", "다은", "선우", "은서"]
DEPTS = ["인사팀", "총무팀", "영업1팀", "재무팀", "고객지원팀", "개발팀", "법무팀"]
CITIES = ["서울특별시 강남구 테헤란로", "부산광역시 해운대구 센텀중앙로", "경기도 성남시 분당구 판교역로",
          "대전광역시 유성구 대학로", "인천광역시 연수구 송도과학로"]


def name():
    return RND.choice(SURNAMES) + RND.choice(GIVEN)


def digits(n):
    return "".join(RND.choice("0123456789") for _ in range(n))


# ---- identifiers, from the published rules ----------------------------------------

def rrn_check(d12):
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return (11 - sum(int(a) * b for a, b in zip(d12, w)) % 11) % 10


def birth(y0, y1):
    d = datetime.date(y0, 1, 1) + datetime.timedelta(days=RND.randrange((datetime.date(y1, 12, 31) - datetime.date(y0, 1, 1)).days))
    return d


def rrn(kind="valid"):
    """valid: checksum-valid; new: born 2021+ with random last six digits (no valid check
    digit); frn: a foreign registration number (gender 5-8, RRN formula)."""
    if kind == "new":
        b = birth(2021, 2024)
        g = RND.choice("34")
        body = b.strftime("%y%m%d") + g + digits(5)
        c = (rrn_check(body) + RND.randint(1, 9)) % 10
        return body[:6] + "-" + body[6:] + str(c)
    b = birth(1945, 2006)
    if kind == "frn":
        g = RND.choice("56") if b.year < 2000 else RND.choice("78")
    else:
        g = RND.choice("12") if b.year < 2000 else RND.choice("34")
    # digits 8-9 of an RRN issued before 2020-10 are a region code 00-96
    # (python-stdnum rejects more); an FRN's office code has no known bound
    region = digits(2) if kind == "frn" else "%02d" % RND.randint(0, 96)
    body = b.strftime("%y%m%d") + g + region + digits(3)
    # now and then a space between the halves, as forms and OCR write it
    return body[:6] + RND.choice("------- ") + body[6:] + str(rrn_check(body))


def luhn_complete(prefix, length):
    body = prefix + digits(length - len(prefix) - 1)
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def card():
    scheme = RND.choice(["visa", "master", "master2", "amex", "jcb", "domestic", "unionpay"])
    if scheme == "amex":
        n = luhn_complete(RND.choice(["34", "37"]), 15)
        return RND.choice([n[:4] + "-" + n[4:10] + "-" + n[10:], n[:4] + " " + n[4:10] + " " + n[10:], n])
    prefix = {"visa": "4", "master": str(RND.randint(51, 55)), "master2": str(RND.randint(2221, 2720)),
              "jcb": str(RND.randint(3528, 3589)), "domestic": "9" + digits(1), "unionpay": "62"}[scheme]
    n = luhn_complete(prefix, 16)
    sep = RND.choice(["-", " ", ""])
    return sep.join([n[0:4], n[4:8], n[8:12], n[12:16]])


def phone():
    k = RND.random()
    if k < 0.55:
        n = "010-%s-%s" % (digits(4), digits(4))
        return RND.choice([n, n.replace("-", "."), n.replace("-", "")]) if RND.random() < 0.2 else n
    if k < 0.88:
        area = "02" if k < 0.75 else RND.choice(["031", "032", "042", "051", "053", "062", "064"])
        mid, last = digits(RND.choice([3, 4]) if area == "02" else 3), digits(4)
        # letterheads set the area code off: (02) 123-4567, (031)123-4567, 02)123-4567
        form = RND.choice(["%s-%s-%s"] * 4 + ["(%s) %s-%s", "(%s)%s-%s", "%s)%s-%s"])
        return form % (area, mid, last)
    if k < 0.95:
        return "070-%s-%s" % (digits(4), digits(4))
    return "+82 10-%s-%s" % (digits(4), digits(4))


BANKS = [("국민은행", (6, 2, 6)), ("신한은행", (3, 3, 6)), ("우리은행", (4, 3, 6)), ("하나은행", (3, 6, 5)),
         ("농협", (3, 4, 4, 2)), ("기업은행", (3, 6, 2, 3)), ("카카오뱅크", (4, 2, 7)), ("SC제일은행", (3, 2, 6))]


def account():
    bank, layout = RND.choice(BANKS)
    groups = []
    for i, n in enumerate(layout):
        g = digits(n)
        if i == 0:
            g = str(RND.randint(1, 9)) + g[1:]  # never 01x: that would be a phone number
        groups.append(g)
    return bank, "-".join(groups)


def passport():
    L = RND.choice("MMMMSRDO")
    return L + digits(8) if RND.random() < 0.6 else L + digits(3) + RND.choice("ABCDEFGHJK") + digits(4)


def licence():
    if RND.random() < 0.7:
        return "%02d-%s-%s-%s" % (RND.choice(list(range(11, 27)) + [28]), digits(2), digits(6), digits(2))
    return "%s %s-%s-%s" % (RND.choice(["서울", "부산", "경기", "대구", "인천", "광주", "대전", "울산", "제주"]),
                            digits(2), digits(6), digits(2))


def email(n=None, idn=False):
    """idn: some addresses at Korean internationalised domains (text only:
    mail headers would need them encoded)."""
    user = RND.choice(["hong", "kim.minjun", "lee_sy", "park2019", "choi.hr", "jung", "kang.d"]) + digits(2)
    domains = ["example.co.kr", "corp-mail.kr", "hanmail.example", "company.com"]
    if idn and RND.random() < 0.15:
        domains = ["회사.kr", "우리-상사.co.kr", "도메인.한국", "mail.한글도메인.한국"]
    return "%s@%s" % (user, RND.choice(domains))


def masked(kind):
    if kind == "kr_rrn":
        v = rrn()
        return v[:8] + "******"
    if kind == "kr_phone":
        return "010-****-%s" % digits(4)
    v = luhn_complete("4", 16)
    return "%s-%s**-****-%s" % (v[:4], v[4:6], v[12:])


# ---- decoys: what such files hold that is not personal data --------------------------

def decoy():
    k = RND.randrange(14)
    if k == 0:
        return "계약일 %s" % birth(2015, 2025).isoformat()
    if k == 1:
        return "금액 %s원" % format(RND.randint(10000, 90000000), ",")
    if k == 2:
        return "주문번호 %s%s" % (birth(2020, 2025).strftime("%Y%m%d"), digits(6))
    if k == 3:
        return "운송장번호 %s-%s-%s" % (digits(4), digits(4), digits(4))
    if k == 4:
        return "사업자등록번호 %s-%s-%s" % (digits(3), digits(2), digits(5))
    if k == 5:
        return "고객센터 %s-%s" % (RND.choice(["1588", "1577", "1600", "1899"]), digits(4))
    if k == 6:
        return "timestamp %d" % RND.randint(1500000000000, 1799999999999)
    if k == 7:
        body = "880" + digits(9)
        s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
        return "바코드 %s%d" % (body, (10 - s % 10) % 10)
    if k == 8:
        return "제품코드 %s" % passport()  # a passport shape without the word: not personal
    if k == 9:
        return "버전 v%d.%d.%d" % (RND.randint(1, 20), RND.randint(0, 30), RND.randint(0, 9999))
    if k == 10:
        return "서버 IP 10.%d.%d.%d" % (RND.randint(0, 255), RND.randint(0, 255), RND.randint(1, 254))
    if k == 11:
        return "문서번호 %s-%s-%s" % (birth(2020, 2025).year, digits(4), digits(4))
    if k == 12:
        return "우편번호 %s" % digits(5)
    return "재고 %d개, 단가 %s원" % (RND.randint(1, 999), format(RND.randint(1000, 999999), ","))


# ---- documents: lines of text with the values they hold ----------------------------

class Doc:
    def __init__(self):
        self.lines, self.truth = [], []

    def add(self, text, *values):
        self.lines.append(text)
        for t, v in values:
            self.truth.append({"type": t, "value": v})


def hr_roster(doc, rows):
    doc.add("성명,부서,주민등록번호,연락처,이메일,급여계좌,입사일,연봉")
    for _ in range(rows):
        r = rrn("new") if RND.random() < 0.15 else rrn()
        p, e = phone(), email(idn=True)
        bank, acct = account()
        doc.add("%s,%s,%s,%s,%s,%s %s,%s,%s" % (name(), RND.choice(DEPTS), r, p, e, bank, acct,
                                                   birth(2010, 2025).isoformat(),
                                                   RND.randint(30, 120) * 1000000),
                ("kr_rrn", r), ("kr_phone", p), ("email", e), ("kr_account", acct))


def customer_export(doc, rows):
    doc.add("고객번호,이름,휴대폰,카드번호,주문번호,주문일시,결제금액")
    for _ in range(rows):
        p, c = phone(), card()
        # order numbers as shops print them: the date, then a serial
        order = birth(2022, 2025).strftime("%Y%m%d") + digits(5)
        doc.add("C%s,%s,%s,%s,%s,%s,%d" % (digits(9), name(), p, c, order,
                                           birth(2022, 2025).isoformat() + " 10:%02d:00" % RND.randint(0, 59),
                                           RND.randint(1000, 990000)),
                ("kr_phone", p), ("card", c))


def contract(doc, paras):
    for _ in range(paras):
        k = RND.randrange(9)
        n = name()
        if k == 0:
            r = rrn("new") if RND.random() < 0.2 else rrn()
            doc.add("계약자 %s(주민등록번호 %s)은 다음 조건에 동의한다. %s" % (n, r, decoy()), ("kr_rrn", r))
        elif k == 1:
            bank, acct = account()
            doc.add("잔금은 %s 계좌 %s(예금주 %s)로 입금한다. %s" % (bank, acct, n, decoy()), ("kr_account", acct))
        elif k == 2:
            p = phone()
            doc.add("담당자 %s 연락처 %s, %s" % (n, p, decoy()), ("kr_phone", p))
        elif k == 3:
            pp = passport()
            doc.add("외국인 근로자 %s의 여권번호는 %s이며 %s" % (n, pp, decoy()), ("kr_passport", pp))
        elif k == 4:
            f = rrn("frn")
            doc.add("외국인등록번호: %s, 체류자격 E-9. %s" % (f, decoy()), ("kr_frn", f))
        elif k == 5:
            lic = licence()
            doc.add("운전면허번호 %s (1종 보통), 차량 배정 예정. %s" % (lic, decoy()), ("kr_driver_license", lic))
        elif k == 6:
            kind = RND.choice(["kr_rrn", "kr_phone", "card"])
            m = masked(kind)
            doc.add("마스킹된 값 %s 은 보관해도 된다. %s" % (m, decoy()), (kind, m))
        elif k == 7:
            c = card()
            doc.add("법인카드 %s 로 결제하였다. %s" % (c, decoy()), ("card", c))
        else:
            doc.add("%s %s %s" % (decoy(), decoy(), decoy()))


def meeting_notes(doc, paras):
    for _ in range(paras):
        if RND.random() < 0.3:
            e = email(idn=True)
            doc.add("회의록 공유: %s 님에게 메일(%s)로 전달. %s" % (name(), e, decoy()), ("email", e))
        else:
            doc.add("- %s; %s; %s" % (decoy(), decoy(), decoy()))


# ---- file writers ---------------------------------------------------------------------

def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_bytes(lines):
    body = "".join("<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>" % xml_escape(l) for l in lines)
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>' % body)
    return b.getvalue()


def xlsx_bytes(lines):
    rows = []
    for i, l in enumerate(lines, 1):
        cells = "".join('<c t="inlineStr"><is><t>%s</t></is></c>' % xml_escape(v) for v in l.split(","))
        rows.append('<row r="%d">%s</row>' % (i, cells))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="명단" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>' % "".join(rows))
    return b.getvalue()


def hwpx_bytes(lines):
    paras = "".join('<hp:p><hp:run><hp:t>%s</hp:t></hp:run></hp:p>' % xml_escape(l) for l in lines)
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip")
        z.writestr("Contents/section0.xml", '<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">%s</hs:sec>' % paras)
    return b.getvalue()


def eml_bytes(lines, attach=None):
    m = EmailMessage()
    frm, to = email(), email()
    m["From"] = "%s <%s>" % (name(), frm)
    m["To"] = to
    m["Subject"] = "자료 송부 건"
    m.set_content("\n".join(lines), charset="utf-8", cte=RND.choice(["base64", "quoted-printable"]))
    if RND.random() < 0.6:
        # most mail also carries the body as HTML, saying the same: each value
        # is still one value of the message
        html = "".join("<p>%s</p>" % l.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                       for l in lines)
        m.add_alternative("<html><body>%s</body></html>" % html, subtype="html", charset="utf-8",
                          cte=RND.choice(["base64", "quoted-printable"]))
    if attach:
        m.add_attachment(attach[1], maintype="application", subtype="octet-stream", filename=attach[0])
    return m.as_bytes(), [{"type": "email", "value": frm}, {"type": "email", "value": to}]


def main(out):
    corpus = os.path.join(out, "corpus")
    os.makedirs(corpus, exist_ok=True)
    truth = {}

    def put(rel, data, t):
        p = os.path.join(corpus, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        truth[p] = t

    makers = [("hr", lambda d: hr_roster(d, RND.randint(20, 60))),
              ("customers", lambda d: customer_export(d, RND.randint(20, 60))),
              ("contract", lambda d: contract(d, RND.randint(15, 40))),
              ("notes", lambda d: meeting_notes(d, RND.randint(15, 40)))]
    for i in range(6):
        for kind, make in makers:
            d = Doc()
            make(d)
            text = "\n".join(d.lines) + "\n"
            fmt = ["txt", "cp949.txt", "csv", "docx", "xlsx", "hwpx"][i]
            base = "%s/%s-%02d" % (kind, kind, i)
            if fmt == "txt" or fmt == "csv":
                put(base + "." + fmt, text.encode("utf-8"), d.truth)
            elif fmt == "cp949.txt":
                put(base + ".cp949.txt", text.encode("cp949"), d.truth)
            elif fmt == "docx":
                put(base + ".docx", docx_bytes(d.lines), d.truth)
            elif fmt == "xlsx":
                put(base + ".xlsx", xlsx_bytes(d.lines), d.truth)
            else:
                put(base + ".hwpx", hwpx_bytes(d.lines), d.truth)
    # mails, with an attachment and without
    for i in range(6):
        d = Doc()
        contract(d, RND.randint(5, 15))
        att = None
        if i % 2 == 0:
            a = Doc()
            hr_roster(a, 10)
            att = ("명단-%d.csv" % i, ("\n".join(a.lines) + "\n").encode("utf-8"))
        data, hdr = eml_bytes(d.lines, att)
        p = "mail/mail-%02d.eml" % i
        put(p, data, d.truth + hdr)
        if att:
            truth[os.path.join(corpus, p) + "!" + att[0]] = a.truth
    # zips of csv and docx
    for i in range(4):
        b = io.BytesIO()
        members = {}
        with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
            for k in range(3):
                d = Doc()
                (customer_export if k % 2 == 0 else contract)(d, 15)
                name_ = "export/part-%d.%s" % (k, "csv" if k % 2 == 0 else "docx")
                z.writestr(name_, ("\n".join(d.lines) + "\n").encode() if k % 2 == 0 else docx_bytes(d.lines))
                members[name_] = d.truth
        p = os.path.join(corpus, "archive/backup-%02d.zip" % i)
        put("archive/backup-%02d.zip" % i, b.getvalue(), [])
        for m, t in members.items():
            truth[p + "!" + m] = t
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=0)
    n = sum(len(v) for v in truth.values())
    print("accuracy corpus: %d files and members, %d values" % (len(truth), n))


if __name__ == "__main__":
    main(sys.argv[1])
