#!/usr/bin/env bash
# Regenerates examples/sample/: a small folder of fake customer files in the
# encodings piiscan decodes.  Every number is a made-up test value (the RRNs
# are published validator test vectors or have computed check digits).
set -euo pipefail
cd "$(dirname "$0")/sample"
cat > customers.csv <<'CSV'
id,name,rrn,phone,email,card,joined
1,홍길동,900101-1234568,010-2345-6789,gildong@example.co.kr,4111-1111-1111-1111,2024-03-15
2,김영희,971013-9019902,02-312-4567,younghee.kim@example.com,5555 5555 5555 4444,2023-11-02
3,이철수,880411-2238459,010.9876.5432,cs.lee@example.org,3714-496353-98431,2022-07-30
4,박민수,900101-1******,010-****-5678,p***@example.com,1234-56**-****-3456,2021-01-09
CSV
cat > memo.txt <<'TXT'
회의록 2024-03-15 (버전 1.2.3)
신규 직원 등록: 주민등록번호 850618-1811204, 휴대폰 01012345678
급여 이체 계좌: 신한은행 110-123-456789 (예금주 홍길동)
출장용 여권번호 M12345678 / 운전면허 서울 12-345678-90
대표번호 1588-1234 는 개인정보가 아닙니다. 가격 12,000원, 주문 20240315-0001.
TXT
printf '외국인 근로자 명단\n성명: 존 스미스, 외국인등록번호: 911124-5678906\n연락처: +82 10-2345-6789\n' \
  | iconv -f UTF-8 -t CP949 > foreign_workers_cp949.txt
{ printf '\xff\xfe'; printf '고객 상담 기록\n고객 주민번호 760406-1679592 확인함\n이메일: customer@example.net\n' \
  | iconv -f UTF-8 -t UTF-16LE; } > consult_utf16.txt
printf '이 파일에는 개인정보가 없습니다.\n2024년 매출 1,234,567원, 증감률 3.5%%\n' > clean.txt
