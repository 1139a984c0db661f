/* gen_corpus.c -- deterministic benchmark corpora for libpiiscan.
 *
 *   bench_gen [--seed N] prose|csv SIZE OUT
 *
 * SIZE is in MiB (a plain number) or carries a suffix K, M or G (binary).
 * OUT is a file name or "-" for stdout.  The output is exactly SIZE bytes
 * and, for a given seed, the same bytes on every machine: the only source of
 * randomness is a splitmix64 generator (no libc rand(), no locale, no time).
 *
 *   prose  Korean business prose in UTF-8 (with some English), lines of
 *          40-200 bytes, about one personal-data value per 4 KiB and plenty
 *          of numeric decoys (dates, times, prices, order ids, versions...).
 *   csv    a digit-dense customer/transaction export: ids, 13-digit epoch
 *          milliseconds, timestamps, amounts, EAN-13 codes, long decimals,
 *          a phone column, sometimes an RRN or card column, masked values.
 *
 * What was planted (per type, raw and masked) is printed to stderr so a
 * benchmark run can show it next to what the scanner reported.  The counts
 * are of values *planted*; the scanner may legitimately report a few more
 * (a decoy that happens to be valid, e.g. an EAN-13 that is also a
 * checksum-valid RRN) or fewer (types that need context, masked values the
 * caller filtered out).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG: splitmix64 (Steele, Lea, Flood 2014) ------------------------- */
static uint64_t rng_state;

static uint64_t rnd64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n).  The modulo bias (n << 2^64) is irrelevant here and,
 * more importantly, deterministic. */
static unsigned rnd(unsigned n)
{
    return (unsigned)(rnd64() % n);
}

static int chance(unsigned percent)
{
    return rnd(100) < percent;
}

#define PICK(arr) (arr[rnd((unsigned)(sizeof(arr) / sizeof(arr[0])))])

/* ---- Output line buffer -------------------------------------------------- */
#define LINE_CAP 1024

typedef struct {
    char b[LINE_CAP];
    size_t n;
} line_t;

static void put(line_t *l, const char *s)
{
    size_t k = strlen(s);
    if (l->n + k < LINE_CAP) {
        memcpy(l->b + l->n, s, k);
        l->n += k;
    }
}

static void putc_(line_t *l, char c)
{
    if (l->n + 1 < LINE_CAP)
        l->b[l->n++] = c;
}

static void putf(line_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void putf(line_t *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(l->b + l->n, LINE_CAP - l->n, fmt, ap);
    va_end(ap);
    if (k > 0 && l->n + (size_t)k < LINE_CAP)
        l->n += (size_t)k;
}

/* ---- Planted-value accounting ------------------------------------------- */
enum {
    T_RRN,
    T_FRN,
    T_CARD,
    T_PHONE,
    T_EMAIL,
    T_ACCOUNT,
    T_PASSPORT,
    T_DL,
    T_COUNT
};
static const char *const type_ids[T_COUNT] = {
    "kr_rrn", "kr_frn", "card", "kr_phone", "email", "kr_account", "kr_passport",
    "kr_driver_license",
};

typedef struct {
    uint64_t raw[T_COUNT], masked[T_COUNT], decoys;
} counts_t;

/* ---- Identifier makers ---------------------------------------------------- */
static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* YYMMDD + gender digit for someone born 1940-2019 (so the number predates
 * October 2020 and carries a check digit).  `foreign` selects 5-8. */
static void birth_and_gender(char out[7], int foreign)
{
    int y = chance(85) ? 1940 + (int)rnd(60) : 2000 + (int)rnd(20);
    int m = 1 + (int)rnd(12);
    int d = 1 + (int)rnd((unsigned)days_in_month(y, m));
    int g = (y < 2000 ? 1 : 3) + (int)rnd(2) + (foreign ? 4 : 0);
    const int v[7] = {y % 100 / 10, y % 10, m / 10, m % 10, d / 10, d % 10, g};
    for (int i = 0; i < 7; i++)
        out[i] = (char)('0' + v[i]);
}

/* A 13-digit RRN (foreign = 0) or FRN (1) with a valid check digit:
 * weights 2,3,4,5,6,7,8,9,2,3,4,5; RRN (11 - s%11) % 10, FRN (13 - s%11) % 10. */
static void make_rrn(char out[14], int foreign)
{
    static const int w[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
    birth_and_gender(out, foreign);
    /* region (00-95), office, serial */
    int region = (int)rnd(96);
    out[7] = (char)('0' + region / 10);
    out[8] = (char)('0' + region % 10);
    for (int i = 9; i < 12; i++)
        out[i] = (char)('0' + rnd(10));
    int s = 0;
    for (int i = 0; i < 12; i++)
        s += (out[i] - '0') * w[i];
    out[12] = (char)('0' + ((foreign ? 13 : 11) - s % 11) % 10);
    out[13] = 0;
}

static void put_rrn(line_t *l, int foreign, int masked)
{
    char r[14];
    make_rrn(r, foreign);
    if (masked) {
        putf(l, "%.6s-%c******", r, r[6]);
    } else {
        putf(l, "%.6s-%s", r, r + 6);
    }
}

/* 16-digit Visa (4...) or Mastercard (51-55, 2221-2720) with a Luhn digit. */
static void make_card(char out[17])
{
    int k;
    unsigned kind = rnd(10);
    if (kind < 5) {
        out[0] = '4';
        k = 1;
    } else if (kind < 9) {
        out[0] = '5';
        out[1] = (char)('1' + rnd(5));
        k = 2;
    } else {
        int p = 2221 + (int)rnd(500);
        snprintf(out, 5, "%04d", p);
        k = 4;
    }
    for (; k < 15; k++)
        out[k] = (char)('0' + rnd(10));
    int sum = 0;
    for (int i = 14; i >= 0; i--) {
        int v = out[i] - '0';
        if ((14 - i) % 2 == 0) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    out[15] = (char)('0' + (10 - sum % 10) % 10);
    out[16] = 0;
}

static void put_card(line_t *l, int masked, char sep)
{
    char c[17];
    make_card(c);
    if (masked)
        putf(l, "%.4s%c%.2s**%c****%c%.4s", c, sep, c + 4, sep, sep, c + 12);
    else
        putf(l, "%.4s%c%.4s%c%.4s%c%.4s", c, sep, c + 4, sep, c + 8, sep, c + 12);
}

static void put_mobile(line_t *l, int masked, int bare)
{
    char mid[5], last[5];
    snprintf(mid, sizeof mid, "%d%03d", 2 + (int)rnd(8), (int)rnd(1000));
    snprintf(last, sizeof last, "%04d", (int)rnd(10000));
    if (masked)
        putf(l, "010-****-%s", last);
    else if (bare)
        putf(l, "010%s%s", mid, last);
    else
        putf(l, "010-%s-%s", mid, last);
}

static void put_seoul(line_t *l)
{
    putf(l, "02-%d%02d-%04d", 2 + (int)rnd(8), (int)rnd(100), (int)rnd(10000));
}

static const char *const surnames[] = {
    "kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim",
    "han", "oh", "seo", "shin", "kwon", "hwang", "ahn", "song", "yoo", "hong",
};
static const char *const given[] = {
    "minsu", "jiyoung", "seojun", "hayoon", "doyoon", "seoyeon", "jiho", "eunji",
    "hyunwoo", "soyeon", "junho", "yuna", "taeyang", "minji", "sungmin", "dahye",
    "jaehyun", "subin", "woojin", "chaeyoung",
};
static const char *const domains[] = {
    "naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com",
    "example.co.kr", "acme-corp.co.kr", "samplebank.com", "mail.korea.ac.kr",
    "hq.example.com", "outlook.com",
};

static void put_email(line_t *l, int masked)
{
    const char *s = PICK(surnames), *g = PICK(given);
    if (masked) {
        putf(l, "%.3s***@%s", g, PICK(domains));
        return;
    }
    switch (rnd(4)) {
    case 0:
        putf(l, "%s.%s@%s", g, s, PICK(domains));
        break;
    case 1:
        putf(l, "%s%s%02d@%s", s, g, (int)rnd(100), PICK(domains));
        break;
    case 2:
        putf(l, "%c%s_%d@%s", g[0], s, 1980 + (int)rnd(30), PICK(domains));
        break;
    default:
        putf(l, "%s@%s", g, PICK(domains));
        break;
    }
}

/* Account layouts the kr_account validator knows (lib/detect/account.c),
 * each with the bank name usually written next to it. */
static void put_account(line_t *l)
{
    switch (rnd(5)) {
    case 0: /* Shinhan 3-3-6 */
        putf(l, "신한은행 110-%03d-%06d", (int)rnd(1000), (int)rnd(1000000));
        break;
    case 1: /* Woori 4-3-6 */
        putf(l, "우리은행 1002-%03d-%06d", (int)rnd(1000), (int)rnd(1000000));
        break;
    case 2: /* KB 6-2-6 */
        putf(l, "국민은행 %06d-%02d-%06d", (int)rnd(1000000), 1 + (int)rnd(99),
             (int)rnd(1000000));
        break;
    case 3: /* Kakao Bank 4-2-7 */
        putf(l, "카카오뱅크 3333-%02d-%07d", (int)rnd(100), (int)rnd(10000000));
        break;
    default: /* NH next-gen 3-4-4-2 */
        putf(l, "농협 %d-%04d-%04d-%02d", 301 + (int)rnd(2), (int)rnd(10000),
             (int)rnd(10000), (int)rnd(100));
        break;
    }
}

static void put_passport(line_t *l)
{
    char letter = chance(80) ? 'M' : 'S';
    if (chance(50))
        putf(l, "%c%08d", letter, (int)rnd(100000000));
    else
        putf(l, "%c%03d%c%04d", letter, (int)rnd(1000), (char)('A' + rnd(26)), (int)rnd(10000));
}

static void put_dl(line_t *l)
{
    static const int regions[] = {11, 12, 13, 14, 15, 16, 17, 18, 19,
                                  20, 21, 22, 23, 24, 25, 26, 28};
    int yy = (int)((70 + rnd(54)) % 100);
    putf(l, "%d-%02d-%06d-%02d", PICK(regions), yy, (int)rnd(1000000), (int)rnd(100));
}

/* ---- Prose vocabulary ------------------------------------------------------ */
static const char *const nouns[] = {
    "고객", "회사", "담당자", "계약", "보고서", "회의", "프로젝트", "일정", "예산", "매출",
    "영업팀", "인사팀", "재무팀", "개발팀", "마케팅팀", "법무팀", "총무팀", "구매팀", "제품",
    "서비스", "품질", "검토", "승인", "결재", "견적서", "발주서", "납품", "배송", "주문", "결제",
    "환불", "문의", "답변", "요청", "변경", "사항", "내용", "자료", "첨부파일", "메일", "공지",
    "안내", "협력사", "거래처", "본사", "지점", "부서", "팀장님", "부장님", "과장님", "대리",
    "사원", "이사님", "대표이사", "직원", "교육", "채용", "면접", "평가", "성과", "목표", "전략",
    "계획", "분석", "결과", "데이터", "시스템", "서버", "네트워크", "보안", "개인정보", "정책",
    "규정", "절차", "감사", "점검", "위험", "관리", "운영", "유지보수", "장애", "복구", "백업",
    "업데이트", "설치", "테스트", "배포", "출시", "신규", "기존", "월간", "주간", "분기", "연간",
    "상반기", "하반기", "실적", "비용", "지출", "수입", "세금", "세금계산서", "영수증", "청구서",
    "잔액", "거래", "내역", "명세서", "급여", "수당", "복리후생", "휴가", "출장", "근무",
    "재택근무", "회의실", "사무실", "건물", "주차", "고객센터", "상담", "불만", "만족도", "설문",
    "이벤트", "할인", "쿠폰", "포인트", "회원", "가입", "탈퇴", "로그인", "비밀번호", "계정",
    "권한", "접근", "기록", "로그", "파일", "문서", "양식", "서식", "초안", "최종본", "수정본",
    "협의", "일정표", "진행상황", "이슈", "리스크", "담당", "책임자", "승인권자", "위원회",
    "이사회", "주주총회", "감사보고서", "재무제표", "손익계산서", "현금흐름", "투자", "자산",
    "부채", "자본", "매입", "매출채권", "재고", "물류", "창고", "입고", "출고", "반품", "교환",
    "수리", "보증", "약관", "개인정보처리방침", "동의서", "위임장", "계약서", "합의서", "각서",
    "공문", "회신", "협조", "요청서", "신청서", "접수", "처리", "완료", "보류", "취소", "연기",
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기도", "강남", "판교",
    "여의도", "제주", "물품", "장비", "소프트웨어", "라이선스", "클라우드", "데이터베이스",
    "홈페이지", "모바일앱", "고객사", "파트너", "공급업체", "하도급", "용역", "인력", "조직",
    "개편", "발령", "승진", "퇴사", "입사", "연수", "워크숍", "세미나", "간담회", "보도자료",
};
static const char *const particles[] = {
    "", "", "은", "는", "이", "가", "을", "를", "에", "의", "와", "과", "으로", "에서", "도",
    "만", "까지", "부터", "에게", "께서", "관련", "건",
};
static const char *const predicates[] = {
    "확인했습니다", "검토 중입니다", "요청드립니다", "진행하겠습니다", "완료되었습니다",
    "공유드립니다", "참고 부탁드립니다", "회신 바랍니다", "예정입니다", "필요합니다",
    "변경되었습니다", "승인되었습니다", "보류되었습니다", "접수되었습니다", "처리하였습니다",
    "안내드립니다", "감사합니다", "송부드립니다", "첨부합니다", "논의했습니다", "결정되었습니다",
    "반영하겠습니다", "협조 부탁드립니다", "확인 부탁드립니다", "전달드립니다", "보고드립니다",
    "검토해 주시기 바랍니다", "문의드립니다", "알려드립니다", "준비 중입니다", "지연되고 있습니다",
    "해결되었습니다", "재발 방지 대책을 수립하겠습니다", "일정에 차질이 없도록 하겠습니다",
    "양해 부탁드립니다", "말씀드립니다", "정리했습니다", "업데이트했습니다", "제출했습니다",
    "수령했습니다", "발송했습니다", "입금되었습니다", "마감됩니다", "시작합니다", "종료됩니다",
    "논의가 필요합니다", "의견 주시기 바랍니다", "이상 없습니다", "추가 확인이 필요합니다",
    "하였습니다", "합니다", "됩니다", "있습니다", "없습니다", "드립니다",
};
static const char *const adverbs[] = {
    "그리고", "또한", "따라서", "다만", "현재", "이번", "다음", "지난", "오늘", "내일", "금일",
    "익일", "추가로", "우선", "반드시", "가능한 한", "빠르게", "정상적으로", "최종적으로",
    "관련하여", "대하여", "기준으로", "따라", "통해", "위해", "함께", "별도로", "즉시", "곧",
    "이미", "아직", "계속", "다시", "모두", "일부", "전체", "각", "해당", "상기", "하기",
    "아래와 같이", "위와 같이", "말씀하신", "요청하신", "문의하신", "전달받은",
};
static const char *const english[] = {
    "meeting", "report", "invoice", "update", "deadline", "project", "review", "server",
    "release", "customer", "account manager", "KPI", "ERP", "CRM", "API", "SLA", "PoC",
    "status", "draft", "final", "team", "budget", "forecast", "pipeline", "onboarding",
    "feedback", "action item", "follow-up", "FYI", "ASAP", "Q&A", "workshop", "dashboard",
    "backlog", "sprint", "hotfix", "roadmap", "stakeholder", "vendor", "contract", "NDA",
    "Please check the attached file.", "Thanks,", "Best regards,", "see below",
    "as discussed", "on hold", "in progress", "done", "TBD", "N/A", "cc:", "Re:", "Fwd:",
};

/* ---- Decoys: numbers that look like something but are not personal data --- */
static void put_decoy(line_t *l)
{
    int y = 2015 + (int)rnd(11), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
    switch (rnd(24)) {
    case 0:
        putf(l, "%d-%02d-%02d", y, m, d);
        break;
    case 1:
        putf(l, "%d.%02d.%02d", y, m, d);
        break;
    case 2:
        putf(l, "%d년 %d월 %d일", y, m, d);
        break;
    case 3:
        putf(l, "%d/%02d/%02d", y, m, d);
        break;
    case 4:
        putf(l, "%02d:%02d", (int)rnd(24), (int)rnd(60));
        break;
    case 5:
        putf(l, "%02d:%02d:%02d", (int)rnd(24), (int)rnd(60), (int)rnd(60));
        break;
    case 6:
        putf(l, "%s %d시 %d분", chance(50) ? "오전" : "오후", 1 + (int)rnd(12), (int)rnd(60));
        break;
    case 7:
        putf(l, "%d,%03d원", 1 + (int)rnd(999), (int)rnd(1000));
        break;
    case 8:
        putf(l, "₩%d,%03d,%03d", 1 + (int)rnd(99), (int)rnd(1000), (int)rnd(1000));
        break;
    case 9:
        putf(l, "%d만 원", 1 + (int)rnd(9999));
        break;
    case 10:
        putf(l, "$%d,%03d.%02d", 1 + (int)rnd(99), (int)rnd(1000), (int)rnd(100));
        break;
    case 11:
        putf(l, "ORD-%d%02d%02d-%05d", y, m, d, (int)rnd(100000));
        break;
    case 12:
        putf(l, "INV%d%02d%02d%05d", y, m, d, (int)rnd(100000));
        break;
    case 13:
        putf(l, "v%d.%d.%d", (int)rnd(5), (int)rnd(20), (int)rnd(30));
        break;
    case 14:
        putf(l, "build %d%02d%02d.%d", y, m, d, 1 + (int)rnd(9));
        break;
    case 15:
        putf(l, "%d.%d%%", (int)rnd(100), (int)rnd(10));
        break;
    case 16:
        putf(l, "%d%%", (int)rnd(101));
        break;
    case 17:
        putf(l, "%d년", y);
        break;
    case 18:
        putf(l, "FY%d", y);
        break;
    case 19: {
        static const char *const units[] = {"건", "명", "개", "층", "차", "번", "회", "일", "주", "시간"};
        putf(l, "%d%s", 1 + (int)rnd(99), PICK(units));
        break;
    }
    case 20:
        putf(l, "제%d조 제%d항", 1 + (int)rnd(40), 1 + (int)rnd(5));
        break;
    case 21:
        putf(l, "내선 %d%03d", 2 + (int)rnd(8), (int)rnd(1000));
        break;
    case 22: /* a courier tracking number: 12 digits, 4-4-4 */
        putf(l, "운송장번호 %04d-%04d-%04d", 5000 + (int)rnd(5000), (int)rnd(10000),
             (int)rnd(10000));
        break;
    default: /* a business registration number (kr_brn is off by default) */
        putf(l, "사업자등록번호 %03d-%02d-%05d", 101 + (int)rnd(800), 1 + (int)rnd(88),
             (int)rnd(100000));
        break;
    }
}

/* One personal-data value with the words usually written around it. */
static void put_pii(line_t *l, counts_t *c)
{
    unsigned r = rnd(100);
    if (r < 24) {
        static const char *const ctx[] = {"주민등록번호 ", "주민번호: ", "(", "생년월일 및 주민번호 ", ""};
        const char *k = PICK(ctx);
        put(l, k);
        put_rrn(l, 0, 0);
        if (k[0] == '(')
            putc_(l, ')');
        c->raw[T_RRN]++;
    } else if (r < 28) {
        put(l, chance(50) ? "외국인등록번호 " : "외국인 등록번호: ");
        put_rrn(l, 1, 0);
        c->raw[T_FRN]++;
    } else if (r < 46) {
        static const char *const ctx[] = {"연락처 ", "휴대폰: ", "HP ", "010 번호 ", "전화 "};
        put(l, PICK(ctx));
        put_mobile(l, 0, 0);
        c->raw[T_PHONE]++;
    } else if (r < 51) {
        put(l, chance(50) ? "Tel. " : "대표 전화 ");
        put_seoul(l);
        c->raw[T_PHONE]++;
    } else if (r < 63) {
        put(l, chance(50) ? "카드번호 " : "결제 카드 ");
        put_card(l, 0, chance(85) ? '-' : ' ');
        c->raw[T_CARD]++;
    } else if (r < 77) {
        static const char *const ctx[] = {"이메일 ", "E-mail: ", "메일 주소는 ", "<", ""};
        const char *k = PICK(ctx);
        put(l, k);
        put_email(l, 0);
        if (k[0] == '<')
            putc_(l, '>');
        c->raw[T_EMAIL]++;
    } else if (r < 86) {
        put(l, "입금 계좌번호 ");
        put_account(l);
        c->raw[T_ACCOUNT]++;
    } else if (r < 89) {
        put(l, chance(50) ? "여권번호 " : "passport no. ");
        put_passport(l);
        c->raw[T_PASSPORT]++;
    } else if (r < 92) {
        put(l, "운전면허번호 ");
        put_dl(l);
        c->raw[T_DL]++;
    } else if (r < 95) {
        put(l, "주민번호 ");
        put_rrn(l, 0, 1);
        c->masked[T_RRN]++;
    } else if (r < 98) {
        put(l, "연락처 ");
        put_mobile(l, 1, 0);
        c->masked[T_PHONE]++;
    } else {
        put(l, "카드 ");
        put_card(l, 1, '-');
        c->masked[T_CARD]++;
    }
}

/* ---- Writer ---------------------------------------------------------------- */
typedef struct {
    FILE *f;
    uint64_t size, written;
    char *buf;
    size_t bn;
} out_t;
#define OUTBUF (1u << 20)

static int out_flush(out_t *o)
{
    if (o->bn && fwrite(o->buf, 1, o->bn, o->f) != o->bn)
        return -1;
    o->bn = 0;
    return 0;
}

static int out_bytes(out_t *o, const char *p, size_t n)
{
    o->written += n;
    while (n) {
        size_t k = OUTBUF - o->bn;
        if (k > n)
            k = n;
        memcpy(o->buf + o->bn, p, k);
        o->bn += k;
        p += k;
        n -= k;
        if (o->bn == OUTBUF && out_flush(o) != 0)
            return -1;
    }
    return 0;
}

/* Writes a finished line (newline added) if it fits in the remaining size;
 * otherwise fills the rest with spaces and a final newline and returns 1. */
static int out_line(out_t *o, line_t *l)
{
    uint64_t left = o->size - o->written;
    if (l->n + 1 <= left) {
        putc_(l, '\n');
        return out_bytes(o, l->b, l->n) != 0 ? -1 : 0;
    }
    static const char spaces[64] = "                                                               ";
    while (left > 1) {
        size_t k = left - 1 > sizeof spaces ? sizeof spaces : (size_t)(left - 1);
        if (out_bytes(o, spaces, k) != 0)
            return -1;
        left -= k;
    }
    if (left == 1 && out_bytes(o, "\n", 1) != 0)
        return -1;
    return 1;
}

/* ---- prose ---------------------------------------------------------------- */
static void prose_line(line_t *l, counts_t *c, uint64_t pos, uint64_t *next_pii)
{
    size_t target = 40 + rnd(161);
    l->n = 0;
    int words_in_sentence = 0, sentence_len = 3 + (int)rnd(8);
    line_t tok;
    for (int misses = 0; misses < 4;) {
        tok.n = 0;
        counts_t tc = {{0}, {0}, 0};
        if (pos + l->n >= *next_pii) {
            put_pii(&tok, &tc);
        } else if (words_in_sentence >= sentence_len) {
            put(&tok, PICK(predicates));
            putc_(&tok, chance(85) ? '.' : (chance(50) ? '?' : '!'));
        } else {
            unsigned k = rnd(100);
            if (k < 52) {
                put(&tok, PICK(nouns));
                put(&tok, PICK(particles));
            } else if (k < 64) {
                put(&tok, PICK(adverbs));
            } else if (k < 74) {
                put(&tok, PICK(english));
            } else {
                put_decoy(&tok);
                tc.decoys = 1;
            }
        }
        size_t need = tok.n + (l->n ? 1 : 0);
        if (l->n + need > target) {
            /* A value that does not fit goes first on the next line (it
             * may not fit a short target at all: then the line is allowed
             * to reach the 200-byte maximum). */
            if (l->n + need <= 200 && l->n < 40) {
                /* take it anyway: lines stay within 40..200 */
            } else {
                misses++;
                if (l->n >= 40)
                    break;
                continue;
            }
        }
        if (l->n)
            putc_(l, ' ');
        memcpy(l->b + l->n, tok.b, tok.n);
        l->n += tok.n;
        for (int t = 0; t < T_COUNT; t++) {
            c->raw[t] += tc.raw[t];
            c->masked[t] += tc.masked[t];
            if (tc.raw[t] || tc.masked[t])
                *next_pii = pos + l->n + 2048 + rnd(4097); /* mean 4 KiB apart */
        }
        c->decoys += tc.decoys;
        if (words_in_sentence >= sentence_len) {
            words_in_sentence = 0;
            sentence_len = 3 + (int)rnd(8);
        } else {
            words_in_sentence++;
        }
    }
}

/* ---- csv ------------------------------------------------------------------ */
/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static void put_ean13(line_t *l)
{
    char e[14];
    memcpy(e, "880", 3);
    for (int i = 3; i < 12; i++)
        e[i] = (char)('0' + rnd(10));
    int s = 0;
    for (int i = 0; i < 12; i++)
        s += (e[i] - '0') * (i % 2 ? 3 : 1);
    e[12] = (char)('0' + (10 - s % 10) % 10);
    e[13] = 0;
    put(l, e);
}

static const char *const csv_header =
    "order_id,created_ms,created_at,customer_id,amount,quantity,unit_price,product_code,"
    "barcode,phone,rrn,card,score,lat,lng,email,status";

static void csv_row(line_t *l, counts_t *c, uint64_t row, uint64_t *ts_ms)
{
    l->n = 0;
    *ts_ms += 1 + rnd(60000);
    uint64_t ms = *ts_ms;
    int64_t secs = (int64_t)(ms / 1000);
    int y, mo, d;
    civil_from_days(secs / 86400, &y, &mo, &d);
    int hh = (int)(secs % 86400 / 3600), mi = (int)(secs % 3600 / 60), ss = (int)(secs % 60);
    unsigned qty = 1 + rnd(20);
    unsigned unit = 500 + rnd(200000);
    putf(l, "%" PRIu64 ",%" PRIu64 ",%04d-%02d-%02d %02d:%02d:%02d,%08u,%u,%u,%u.%02u,P-%04d-%04u,",
         10000000 + row, ms, y, mo, d, hh, mi, ss, rnd(100000000), qty * unit, qty, unit,
         rnd(100), y, rnd(10000));
    c->decoys += 6;
    put_ean13(l);
    putc_(l, ',');
    /* phone column */
    unsigned r = rnd(100);
    if (r < 70) {
        put_mobile(l, 0, 0);
        c->raw[T_PHONE]++;
    } else if (r < 78) {
        put_mobile(l, 0, 1);
        c->raw[T_PHONE]++;
    } else if (r < 88) {
        put_mobile(l, 1, 0);
        c->masked[T_PHONE]++;
    }
    putc_(l, ',');
    /* rrn column */
    r = rnd(100);
    if (r < 6) {
        put_rrn(l, 0, 0);
        c->raw[T_RRN]++;
    } else if (r < 12) {
        put_rrn(l, 0, 1);
        c->masked[T_RRN]++;
    }
    putc_(l, ',');
    /* card column */
    r = rnd(100);
    if (r < 2) {
        put_card(l, 0, '-');
        c->raw[T_CARD]++;
    } else if (r < 7) {
        put_card(l, 1, '-');
        c->masked[T_CARD]++;
    }
    /* a long decimal (card-length digit run after "0.") and coordinates */
    putf(l, ",0.%08u%08u,37.%06u,126.%06u,", rnd(100000000), rnd(100000000), rnd(1000000),
         rnd(1000000));
    c->decoys += 3;
    if (chance(4)) {
        put_email(l, 0);
        c->raw[T_EMAIL]++;
    }
    putf(l, ",%u", rnd(10));
}

/* ---- main ----------------------------------------------------------------- */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    uint64_t mul = 1024 * 1024;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024ull * 1024 * 1024, end++;
    if (*end || v == 0)
        return -1;
    *out = (uint64_t)v * mul;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_gen [--seed N] prose|csv SIZE OUT\n"
                    "  SIZE in MiB, or with a K/M/G suffix; OUT a file or - for stdout\n");
}

int main(int argc, char **argv)
{
    uint64_t seed = 20240315;
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--seed") == 0) {
        seed = strtoull(argv[2], NULL, 0);
        i = 3;
    }
    if (argc - i != 3) {
        usage();
        return 2;
    }
    const char *kind = argv[i], *path = argv[i + 2];
    int csv;
    if (strcmp(kind, "prose") == 0)
        csv = 0;
    else if (strcmp(kind, "csv") == 0)
        csv = 1;
    else {
        usage();
        return 2;
    }
    out_t o = {0};
    if (parse_size(argv[i + 1], &o.size) != 0) {
        usage();
        return 2;
    }
    /* Each corpus kind has its own stream, so prose and csv of one seed
     * are unrelated. */
    rng_state = seed ^ (csv ? 0xC5Cull : 0x9905Eull);
    o.f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!o.f) {
        fprintf(stderr, "bench_gen: %s: %s\n", path, strerror(errno));
        return 1;
    }
    o.buf = malloc(OUTBUF);
    if (!o.buf)
        return 1;

    counts_t c;
    memset(&c, 0, sizeof c);
    line_t l;
    int r = 0;
    uint64_t lines = 0;
    if (csv) {
        l.n = 0;
        put(&l, csv_header);
        r = out_line(&o, &l);
        uint64_t ts = 1704067200000ull; /* 2024-01-01T00:00:00Z */
        for (uint64_t row = 0; r == 0; row++, lines++) {
            counts_t rc;
            memset(&rc, 0, sizeof rc);
            csv_row(&l, &rc, row, &ts);
            r = out_line(&o, &l);
            if (r == 0) { /* count only what was written */
                for (int t = 0; t < T_COUNT; t++) {
                    c.raw[t] += rc.raw[t];
                    c.masked[t] += rc.masked[t];
                }
                c.decoys += rc.decoys;
            }
        }
    } else {
        uint64_t next_pii = 1024 + rnd(4096);
        for (; r == 0; lines++) {
            counts_t lc;
            memset(&lc, 0, sizeof lc);
            prose_line(&l, &lc, o.written, &next_pii);
            r = out_line(&o, &l);
            if (r == 0) {
                for (int t = 0; t < T_COUNT; t++) {
                    c.raw[t] += lc.raw[t];
                    c.masked[t] += lc.masked[t];
                }
                c.decoys += lc.decoys;
            }
        }
    }
    if (r < 0 || out_flush(&o) != 0 || (o.f != stdout && fclose(o.f) != 0)) {
        fprintf(stderr, "bench_gen: %s: write error: %s\n", path, strerror(errno));
        return 1;
    }
    free(o.buf);

    uint64_t raw = 0, masked = 0;
    for (int t = 0; t < T_COUNT; t++)
        raw += c.raw[t], masked += c.masked[t];
    fprintf(stderr, "bench_gen: %s %" PRIu64 " bytes, %" PRIu64 " lines, seed %" PRIu64 "\n",
            kind, o.written, lines, seed);
    fprintf(stderr, "planted: %" PRIu64 " raw, %" PRIu64 " masked, %" PRIu64 " decoys\n", raw,
            masked, c.decoys);
    for (int t = 0; t < T_COUNT; t++)
        if (c.raw[t] || c.masked[t])
            fprintf(stderr, "  %-18s raw %10" PRIu64 "  masked %10" PRIu64 "\n", type_ids[t],
                    c.raw[t], c.masked[t]);
    return 0;
}
