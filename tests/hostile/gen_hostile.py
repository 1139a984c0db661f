#!/usr/bin/env python3
"""Hostile inputs for tests/hostile/run_hostile.py, written into OUTDIR.

gen_hostile.py OUTDIR FIXTURE_DIR

Made with Python's standard library and the fixture generators of
tests/fixtures (imported: gen_hwp for HWP records and compound files,
gen_pdf for PDF objects, gen_xmldocs for OOXML parts).  FIXTURE_DIR holds
the output of tests/fixtures/make_all.sh: its documents are cut short to
make the truncated cases.  The two big cases (a sparse 4 GiB file and a
200 MiB line) are made by the runner, which removes them again.

Values: 900101-1234568 is a checksum-valid RRN, 010-2345-6789 a mobile."""
import gzip
import io
import os
import random
import shutil
import struct
import sys
import tarfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
import gen_hwp  # noqa: E402
import gen_pdf  # noqa: E402
import gen_xmldocs  # noqa: E402

RRN = "900101-1234568"
TEXT = "주민등록번호 %s\n연락처 010-2345-6789\n" % RRN


def copy(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy(src, dst)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)),
                       data.encode() if isinstance(data, str) else data, compress_type=method)
    return b.getvalue()


# ---- archives ------------------------------------------------------------------

def deep_zip(levels):
    """A zip nested `levels` deep; every level also holds a text with an RRN."""
    data = zip_bytes([("leaf.txt", TEXT)])
    for i in range(levels - 1, 0, -1):
        data = zip_bytes([("l%d.zip" % i, data), ("t%d.txt" % i, TEXT)])
    return data


def deep_mixed(levels):
    """zip, tar.gz, zip, tar.gz ... nested `levels` deep (streamed and held members)."""
    data = TEXT.encode()
    name = "leaf.txt"
    for i in range(levels):
        if i % 2:
            b = io.BytesIO()
            with tarfile.open(fileobj=b, mode="w:gz") as t:
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
            data, name = b.getvalue(), "l%d.tar.gz" % i
        else:
            data, name = zip_bytes([(name, data)]), "l%d.zip" % i
    return data


def evil_names_zip(marker):
    names = ["../../../../../../tmp/%s-zip.txt" % marker,
             "/tmp/%s-abs.txt" % marker,
             "..\\..\\..\\windows\\%s.txt" % marker,
             "C:/Windows/%s.txt" % marker,
             "a/./b/../../../%s.txt" % marker,
             "esc\x1b[31mred\x1b[0m.txt",
             "line\nbreak\r.txt",
             "nul\x07bell\x7f.txt",
             "x" * 5000 + ".txt",
             "dir/",
             ""]
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for n in names:
            zi = zipfile.ZipInfo("placeholder", (2024, 1, 1, 0, 0, 0))
            zi.filename = n  # bypass zipfile's own name normalisation
            z.writestr(zi, TEXT)
    return b.getvalue()


def evil_names_tar(marker):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for n in ["../../../../../../tmp/%s-tar.txt" % marker, "/tmp/%s-tabs.txt" % marker,
                  "esc\x1b]0;title\x07.txt", "deep/" * 300 + "f.txt"]:
            ti = tarfile.TarInfo(n)
            ti.size = len(TEXT.encode())
            t.addfile(ti, io.BytesIO(TEXT.encode()))
        for kind, n, target in [(tarfile.SYMTYPE, "link-passwd", "/etc/passwd"),
                                (tarfile.SYMTYPE, "link-up", "../../../../etc/shadow"),
                                (tarfile.LNKTYPE, "hard-shadow", "/etc/shadow"),
                                (tarfile.SYMTYPE, "loop1", "loop2"),
                                (tarfile.SYMTYPE, "loop2", "loop1")]:
            ti = tarfile.TarInfo(n)
            ti.type = kind
            ti.linkname = target
            t.addfile(ti)
        for kind, n in [(tarfile.CHRTYPE, "dev-null"), (tarfile.FIFOTYPE, "fifo")]:
            ti = tarfile.TarInfo(n)
            ti.type = kind
            t.addfile(ti)
    return b.getvalue()


def zero_headed_gz():
    """gzip of 100 KB of NUL bytes, then an RRN: libarchive reads a lone
    compressed file whose content begins with a zero block as an empty tar
    (fixed in lib/extract/archive.c: it is read again as one file)."""
    return gzip.compress(bytes(100000) + ("x %s\n" % RRN).encode(), mtime=0)


def zero_headed_gz_in_tar():
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w") as t:
        data = zero_headed_gz()
        ti = tarfile.TarInfo("disk.img.gz")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    return b.getvalue()


def many_members(n):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(zipfile.ZipInfo("m%05d.txt" % i, (2024, 1, 1, 0, 0, 0)), "x\n")
    return b.getvalue()


# ---- documents -------------------------------------------------------------------

def deep_docx(depth):
    """document.xml nested `depth` elements deep (expat keeps a stack per level)."""
    body = "<w:sdt>" * depth + gen_xmldocs.wp(gen_xmldocs.wr(RRN)) + "</w:sdt>" * depth
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in gen_xmldocs.docx_parts(body):
            z.writestr(name, data)
    return b.getvalue()


def deep_mime(depth):
    """A mail whose multiparts nest `depth` deep, the RRN in the innermost part."""
    head = ("From: a@example.com\r\nTo: b@example.com\r\nSubject: deep\r\n"
            "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMIME-Version: 1.0\r\n")
    out = [head]
    for i in range(depth):
        out.append('Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
    out.append("Content-Type: text/plain\r\n\r\n%s\r\n" % RRN)
    for i in range(depth - 1, -1, -1):
        out.append("--b%d--\r\n" % i)
    return "".join(out)


def pdf_loops():
    """Object graphs that loop: a page tree whose Kids hold itself and its
    parent, a Parent chain in a circle, a stream Length that refers to its own
    object, an xref whose /Prev points back at itself, and Resources that
    refer to each other."""
    out = {}
    pdf = gen_pdf.Pdf()
    cat, pages, p1, cs, res = pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve()
    text = b"BT /F1 12 Tf 72 760 Td (" + RRN.encode() + b") Tj ET"
    pdf.set(cat, "<< /Type /Catalog /Pages %d 0 R >>" % pages)
    pdf.set(pages, "<< /Type /Pages /Kids [%d 0 R %d 0 R %d 0 R] /Count 3 /Parent %d 0 R >>"
            % (p1, pages, cat, pages))
    pdf.set(p1, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %d 0 R "
            "/Contents %d 0 R >>" % (pages, res, cs))
    pdf.set(cs, b"<< /Length %d 0 R >>\nstream\n" % cs + text + b"\nendstream")
    pdf.set(res, "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> "
            "/XObject << /X1 %d 0 R >> /Parent %d 0 R >>" % (res, res))
    data = pdf.write(cat)
    out["kids-self.pdf"] = data
    # the same with an xref /Prev that points at the xref itself
    xref = data.rindex(b"xref\n")
    out["prev-self.pdf"] = data.replace(b"trailer\n<<", b"trailer\n<< /Prev %d" % xref)
    # Parent chain in a circle and Pages whose Kids are two trees that name each other
    pdf2 = gen_pdf.Pdf()
    c2, a, b_, pg = pdf2.reserve(), pdf2.reserve(), pdf2.reserve(), pdf2.reserve()
    pdf2.set(c2, "<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R >>" % (a, a))
    pdf2.set(a, "<< /Type /Pages /Kids [%d 0 R] /Count 1 /Parent %d 0 R /First %d 0 R "
             "/Next %d 0 R >>" % (b_, b_, b_, a))
    pdf2.set(b_, "<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 1 /Parent %d 0 R >>" % (a, pg, a))
    pdf2.set(pg, "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % b_)
    out["two-trees.pdf"] = pdf2.write(c2)
    # an object stream that contains itself
    pdf3 = gen_pdf.Pdf("1.5")
    c3 = pdf3.reserve()
    os_ = pdf3.reserve()
    inner = b"%d 0 << /Type /ObjStm /N 1 /First 4 >>" % os_
    pdf3.set(os_, gen_pdf.Pdf.stream("/Type /ObjStm /N 1 /First 4", inner))
    pdf3.set(c3, "<< /Type /Catalog /Pages %d 0 R >>" % os_)
    out["objstm-self.pdf"] = pdf3.write(c3)
    return out


def hwp_lies():
    """HWP 5.0 documents whose record headers lie about their sizes."""
    H = gen_hwp
    good = H.para(["앞 문단 " + RRN])
    out = {}
    # extended size 4 GiB - 1 in an uncompressed section
    out["ext-4g.hwp"] = H.hwp([good + struct.pack("<II", H.TAG_PARA_TEXT | 0xFFF << 20,
                                                  0xFFFFFFFF) + b"ab"], compressed=False)
    # the same in a compressed section (the size is checked against inflated data)
    out["ext-4g-deflated.hwp"] = H.hwp([good + struct.pack("<II", H.TAG_PARA_TEXT | 0xFFF << 20,
                                                           0xFFFFFFF0) + b"ab"], compressed=True)
    # a record header cut in the middle
    out["half-header.hwp"] = H.hwp([good + b"\x43\x00"], compressed=False)
    # an extended-size header with no size word after it
    out["ext-missing.hwp"] = H.hwp([good + struct.pack("<I", H.TAG_PARA_TEXT | 0xFFF << 20)],
                                   compressed=False)
    # a PARA_TEXT of odd size (half a UTF-16 unit) and controls cut short
    odd = struct.pack("<I", H.TAG_PARA_TEXT | 3 << 20) + b"\x41\x00\x0b"
    ctl = struct.pack("<I", H.TAG_PARA_TEXT | 6 << 20) + b"\x0b\x00tbl "  # extended control, 8 units claimed
    out["odd-text.hwp"] = H.hwp([good + odd + ctl], compressed=False)
    # a table whose header claims 65535 x 65535 cells, and list headers claiming 2^31 paragraphs
    tbl = H.record(H.TAG_CTRL_HEADER, 1, b" lbt" + b"\0" * 8) + \
        H.record(H.TAG_TABLE, 2, struct.pack("<IHH", 0, 0xFFFF, 0xFFFF) + b"\0" * 10) + \
        H.record(H.TAG_LIST_HEADER, 2, struct.pack("<iI", 0x7FFFFFFF, 0) + b"\0" * 8)
    out["table-lies.hwp"] = H.hwp([good + tbl + good], compressed=False)
    # 200,000 empty records (cheap to make, must be cheap to read)
    out["many-empty.hwp"] = H.hwp([good + struct.pack("<I", H.TAG_PARA_LINE_SEG) * 200000 + good])
    # a deflated section that inflates far more than the file (a little bomb, 64 MiB of zeros
    # inside records that each claim the maximum plain size)
    rec = struct.pack("<I", H.TAG_PARA_LINE_SEG | 0xFFE << 20) + b"\0" * 0xFFE
    bomb = good + rec * (64 * 1024 * 1024 // len(rec))
    out["section-bomb.hwp"] = H.hwp([bomb])
    return out


# ---- text --------------------------------------------------------------------------

def invalid_utf8():
    rnd = random.Random(7)
    bad = [b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff", b"\xfe",
           b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\x80\x80\x80", b"\xf8\x88\x80\x80\x80"]
    out = bytearray()
    for i in range(20000):
        out += rnd.choice(bad) + "가나다 ".encode()
        if i % 5000 == 0:
            out += ("\n주민등록번호 %s\n" % RRN).encode()
    out += b"\n\xe2\x82"  # ends inside a sequence
    return bytes(out)


def invalid_utf16le():
    out = bytearray(b"\xff\xfe")
    units = []
    for i in range(20000):
        units += [0xD800, 0x0041, 0xDC00, 0xDBFF, 0xDBFF, 0xAC00, 0xFFFF, 0xFFFE, 0x0000]
        if i % 5000 == 0:
            units += [ord(c) for c in "\n주민등록번호 %s\n" % RRN]
    out += struct.pack("<%dH" % len(units), *units)
    out += b"\x00"  # odd length: half a code unit at the end
    return bytes(out)


def invalid_utf16be_nobom():
    s = ("이름 홍길동 주민등록번호 %s\n" % RRN) * 200
    data = bytearray(s.encode("utf-16-be"))
    for i in range(0, len(data) - 2, 97):  # lone surrogates sprinkled in
        data[i:i + 2] = b"\xdc\x01"
    return bytes(data) + b"\xd8"


def cp949_broken():
    s = ("주민등록번호 %s 연락처 010-2345-6789\n" % RRN).encode("cp949")
    rnd = random.Random(3)
    out = bytearray()
    for _ in range(3000):
        out += s + bytes([rnd.choice([0x81, 0xa1, 0xc8, 0xfe]), rnd.choice([0x00, 0x0a, 0x20, 0xff])])
    return bytes(out) + b"\xb0"


# ---- truncated documents -----------------------------------------------------------

TRUNCATE_GROUPS = {
    # case name: fixture paths (relative to FIXTURE_DIR)
    "ooxml": ["xmldocs/basic.docx", "xmldocs/basic.xlsx", "xmldocs/basic.pptx"],
    "odf": ["xmldocs/basic.odt", "xmldocs/basic.ods", "xmldocs/basic.odp"],
    "hwpx": ["xmldocs/basic.hwpx"],
    "hwp": ["hwp-plain.hwp", "hwp-compressed.hwp", "hwp-distribution.hwp", "hwp-bindata.hwp"],
    "msoffice": ["msoffice-basic.doc", "msoffice-basic.xls", "msoffice-basic.ppt",
                 "msoffice-encrypted.doc"],
    "pdf": ["pdf/simple.pdf", "pdf/objstm.pdf", "pdf/cid.pdf", "pdf/embedded.pdf",
            "pdf/userpw.pdf"],
    "mime": ["mime/attach.eml", "mime/euckr-b64.eml", "mime/nested.eml", "mime/two.mbox"],
    "archives": ["archive/plain.zip", "archive/nested.zip", "archive/t.tar.gz", "archive/t.tar.xz",
                 "archive/t.tar.bz2", "archive/t.7z", "archive/log.txt.gz", "archive/encrypted.zip"],
}
CUTS = [0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]


def truncated(fixture_dir, out_dir):
    made = {}
    for group, files in TRUNCATE_GROUPS.items():
        d = os.path.join(out_dir, "truncated-" + group)
        n = 0
        for rel in files:
            src = os.path.join(fixture_dir, rel)
            if not os.path.exists(src):
                continue  # e.g. 7z without p7zip: the generator skipped it
            data = open(src, "rb").read()
            base = os.path.basename(rel)
            stem, ext = os.path.splitext(base)
            for c in CUTS:
                k = max(1, int(len(data) * c))
                write(os.path.join(d, "%s-cut%d-%d%s" % (stem, round(c * 100), k, ext)), data[:k])
                n += 1
            write(os.path.join(d, "%s-cut-1%s" % (stem, ext)), data[:-1])
            n += 1
        made[group] = n
    return made


def main(out, fixture_dir, marker):
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    P = lambda *p: os.path.join(out, *p)  # noqa: E731
    zb = os.path.join(fixture_dir, "archive")
    shutil.copy(os.path.join(zb, "bomb-10g.zip"), P("bomb-10g.zip"))
    shutil.copy(os.path.join(zb, "bomb-nested.zip"), P("bomb-nested.zip"))
    write(P("deep-zip-30.zip"), deep_zip(30))
    write(P("deep-mixed-12.zip"), deep_mixed(12))
    write(P("many-members.zip"), many_members(2000))
    write(P("zero-head", "disk.img.gz"), zero_headed_gz())
    write(P("zero-head", "disk.tar"), zero_headed_gz_in_tar())
    write(P("names", "evil-names.zip"), evil_names_zip(marker))
    write(P("names", "evil-names.tar"), evil_names_tar(marker))
    write(P("deep-xml.docx"), deep_docx(100000))
    write(P("deep-mime.eml"), deep_mime(5000))
    for name, data in pdf_loops().items():
        write(P("pdf-loops", name), data)
    for name, data in hwp_lies().items():
        write(P("hwp-lies", name), data)
    for rel in ["hwp-size-lies.hwp", "hwp-truncated-section.hwp", "hwp-truncated-file.hwp",
                "hwp-bad-deflate.hwp"]:
        copy(os.path.join(fixture_dir, rel), P("hwp-lies", rel))
    for rel in ["cfb-fat-loop.cfb", "cfb-dir-loop.cfb", "cfb-dir-cycle.cfb", "cfb-minifat-loop.cfb",
                "cfb-ministream-loop.cfb", "cfb-size-lies.cfb", "cfb-short-chain.cfb",
                "cfb-bad-sector.cfb"]:
        copy(os.path.join(fixture_dir, rel), P("cfb-loops", rel))
    for rel in ["xmldocs/laughs.docx", "xmldocs/xxe.docx", "xmldocs/malformed.docx",
                "xmldocs/malformed.hwpx"]:
        copy(os.path.join(fixture_dir, rel), P("xml-entities", os.path.basename(rel)))
    write(P("empty"), b"")
    write(P("invalid-utf8.txt"), invalid_utf8())
    write(P("invalid-utf16", "le-bom.txt"), invalid_utf16le())
    write(P("invalid-utf16", "be-nobom.txt"), invalid_utf16be_nobom())
    write(P("cp949-broken.txt"), cp949_broken())
    return truncated(fixture_dir, out)


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "piiscan-hostile"))
