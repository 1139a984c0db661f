/* rrn.c -- resident registration numbers (kr_rrn) and foreign registration
 * numbers (kr_frn): YYMMDD-GNNNNNC.
 *
 * Rules and sources: KOREAN-PII-RULES.md 1.1 and 1.2 (python-stdnum
 * stdnum/kr/rrn.py, Presidio kr_rrn/kr_frn recognizers, the MOEF notice of
 * the 2020-10-05 change).  The key fact: numbers assigned from 2020-10-05
 * (births, naturalisation, and re-issues after leaks) end in six random
 * digits with no check digit, so a failing check digit is not proof of a
 * fake.  Hence three outcomes: checksum (high), structural (medium: valid
 * date and gender digit, and the usual hyphen or a context keyword), or
 * nothing -- steered by c->rrn_policy. */
#include "checks.h"
#include "detect.h"

int pii_date_valid(int y, int m, int d)
{
    /* Days per month of a common year; February gets +1 in leap years. */
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int lim = mdays[m - 1] + (m == 2 && leap);
    return d <= lim;
}

int pii_rrn_century(int g)
{
    /* KOREAN-PII-RULES 1.1, 7th-digit table (Wikipedia, stdnum get_birth_date). */
    static const int century[10] = {1800, 1900, 1900, 2000, 2000, 1900, 1900, 2000, 2000, 1800};
    if (g < '0' || g > '9')
        return -1;
    return century[g - '0'];
}

/* Weights of the RRN/FRN check digit over digits 1..12 (stdnum
 * calc_check_digit, Presidio _validate_checksum). */
static const int rrn_weights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};

static int weighted_sum(const char *d12)
{
    int s = 0;
    for (int i = 0; i < 12; i++)
        s += (d12[i] - '0') * rrn_weights[i];
    return s;
}

int pii_rrn_check_digit(const char *d12)
{
    return (11 - weighted_sum(d12) % 11) % 10;
}

int pii_frn_check_digit(const char *d12)
{
    return (13 - weighted_sum(d12) % 11) % 10;
}

/* 1 if the gender digit g belongs to this detector: kr_rrn takes Korean
 * nationals (1-4, and 9/0 for the 1800s as python-stdnum does), kr_frn takes
 * foreigners (5-8). */
static int gender_ok(int g, int foreign)
{
    if (foreign)
        return g >= '5' && g <= '8';
    return (g >= '1' && g <= '4') || g == '9' || g == '0';
}

/* A visible gender digit d[6] of this detector and a real birth date
 * d[0..6) in the century it gives. */
static int birth_ok(const char *d, int foreign)
{
    int yy = pii_digits_int(d, 2), mm = pii_digits_int(d + 2, 2), dd = pii_digits_int(d + 4, 2);
    if (yy < 0 || mm < 0 || dd < 0 || !gender_ok(d[6], foreign))
        return 0;
    return pii_date_valid(pii_rrn_century(d[6]) + yy, mm, dd);
}

/* Birth dates on or after 2020-10-05 carry a random tail (MOEF notice); a
 * check digit that happens to pass there (1 time in 10) proves nothing. */
static int random_tail_era(int y, int m, int d)
{
    return y > 2020 || (y == 2020 && (m > 10 || (m == 10 && d >= 5)));
}

/* A 13-digit epoch-millisecond timestamp between 2017-07 and 2033-05
 * (1.5e12 .. 2.0e12 ms): the span in which logs and exports are written. */
static int epoch_ms_like(const char *d)
{
    return d[0] == '1' && d[1] >= '5' && d[1] <= '9';
}

/* A Korean EAN-13 product barcode: GS1 prefix 880 and a valid EAN check digit
 * (weights 1,3,1,3,... over the first 12 digits; GS1 General Specifications 7.9). */
static int korean_ean13(const char *d)
{
    if (d[0] != '8' || d[1] != '8' || d[2] != '0')
        return 0;
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (d[i] - '0') * (i % 2 ? 3 : 1);
    return (10 - sum % 10) % 10 == d[12] - '0';
}

int pii_lookalike13(const char *d)
{
    return epoch_ms_like(d) || korean_ean13(d);
}

/* The written shape: the halves joined by a dash, perhaps with spaces
 * beside it ("900101-1234567", "900101 - 1234567").  A bare run of 13
 * digits is the shape of order numbers and barcodes too, and a space alone
 * the shape of two numbers side by side in a table ("240315 1234567" in a
 * PDF's text: a date, then an amount): those need the check digit or a
 * keyword. */
static int hyphenated(const pii_candidate *c)
{
    size_t sep = c->norm_len > 13 ? c->norm_len - 13 : 0;
    int dash = 0;
    if (sep == 0 || sep > 3)
        return 0;
    for (size_t i = 6; i < 6 + sep; i++) {
        if (c->norm[i] != '-' && c->norm[i] != ' ')
            return 0;
        dash += c->norm[i] == '-';
    }
    return dash == 1;
}

static void validate_registration(const pii_candidate *c, pii_verdict *v, int foreign)
{
    const char *d = c->digits;
    v->accept = 0;
    if (c->ndigits != 13)
        return;
    int yy = pii_digits_int(d, 2), mm = pii_digits_int(d + 2, 2), dd = pii_digits_int(d + 4, 2);
    if (yy < 0 || mm < 0 || dd < 0)
        return; /* the birth date must be visible: it is what we validate */
    int g = d[6];
    int year = -1;
    if (g == '*') {
        /* Gender masked (900101-*******): kr_rrn reports it if the date is
         * real in any century; kr_frn leaves it to kr_rrn (one finding). */
        if (foreign)
            return;
        if (!pii_date_valid(1800 + yy, mm, dd) && !pii_date_valid(1900 + yy, mm, dd) &&
            !pii_date_valid(2000 + yy, mm, dd))
            return;
    } else {
        if (!birth_ok(d, foreign))
            return;
        year = pii_rrn_century(g) + yy;
    }
    if (c->nmask > 0) {
        /* Masked in the source: structural on what is visible, whatever the
         * checksum policy (there is no check digit left to fail). */
        v->accept = 1;
        v->masked = 1;
        v->validation = PIISCAN_VALID_STRUCTURAL;
        v->confidence = PIISCAN_CONF_MEDIUM;
        return;
    }
    v->masked = 0;
    /* Two kinds of ordinary 13-digit value read as registration numbers
     * often enough to flood a CSV or a log: epoch-millisecond timestamps
     * (1703043215007 reads 2017-03-04, gender 3) and Korean EAN-13 barcodes
     * (prefix 880, with their own valid check digit).  Written bare, with no
     * keyword naming them (13 digits in a row: no dash or space between the
     * halves), they are taken for what they far more likely are.
     * A keyword elsewhere in the sentence does not count: "외국인등록번호
     * 910101-5..., 바코드 8801234567893" names the first number, not the
     * barcode (found by tests/accuracy). */
    if (c->digit_pos[12] == c->digit_pos[0] + 12 && pii_lookalike13(d) &&
        !c->names_value(c, PII_NAMES_VALUE_REACH))
        return;
    int cd = d[12] - '0';
    int sum_ok = cd == pii_rrn_check_digit(d) || (foreign && cd == pii_frn_check_digit(d));
    /* Digits 8-9 of a pre-2020 RRN are a region code 00-96 (stdnum rejects
     * > 96); a "valid" check digit with region 97-99 is chance.  FRN digits
     * 8-9 are an office code with no published bound. */
    int region_ok = foreign || pii_digits_int(d + 7, 2) <= 96;
    if (sum_ok && region_ok && !random_tail_era(year, mm, dd)) {
        v->accept = 1;
        v->validation = PIISCAN_VALID_CHECKSUM;
        v->confidence = PIISCAN_CONF_HIGH;
        return;
    }
    if (c->rrn_policy == PIISCAN_RRN_CHECKSUM_ONLY)
        return;
    int shaped = hyphenated(c) || c->has_context(c);
    if (c->rrn_policy == PIISCAN_RRN_STRUCTURAL) {
        v->accept = 1;
        v->validation = PIISCAN_VALID_STRUCTURAL;
        v->confidence = shaped ? PIISCAN_CONF_MEDIUM : PIISCAN_CONF_LOW;
        return;
    }
    /* PIISCAN_RRN_CONTEXT (default): a bare 13-digit run with a failing check
     * digit and no keyword is far more often an order or invoice number. */
    if (!shaped)
        return;
    v->accept = 1;
    v->validation = PIISCAN_VALID_STRUCTURAL;
    v->confidence = PIISCAN_CONF_MEDIUM;
}

/* An unmasked candidate needs exactly 13 digits (the first 13 of the run)
 * with a gender digit and birth date of this detector: most Korean EAN-13
 * barcodes (8805980279413: day 98) fail that for kr_rrn and kr_frn alike. */
static int rejects_run_registration(const char *run, size_t len, int foreign)
{
    if (len < 13)
        return 1;
    /* Month, day and gender digit first: asked for every 13-digit run, they
     * settle most of them before the calendar is consulted. */
    int mm = (run[2] - '0') * 10 + (run[3] - '0'), dd = (run[4] - '0') * 10 + (run[5] - '0');
    if (mm < 1 || mm > 12 || dd < 1 || dd > 31 || !gender_ok(run[6], foreign))
        return 1;
    if (!birth_ok(run, foreign))
        return 1;
    /* What validate_registration() rejects unless a keyword names it, and
     * what a CSV export holds on every line. */
    if (pii_lookalike13(run))
        return PII_REJECTS_UNLESS_NAMED;
    return 0;
}

static int rejects_run_rrn(const char *run, size_t len)
{
    return rejects_run_registration(run, len, 0);
}

static int rejects_run_frn(const char *run, size_t len)
{
    return rejects_run_registration(run, len, 1);
}

static void validate_rrn(const pii_candidate *c, pii_verdict *v)
{
    validate_registration(c, v, 0);
}

static void validate_frn(const pii_candidate *c, pii_verdict *v)
{
    validate_registration(c, v, 1);
}

/* Display: the first 7 digits (birth date and gender digit) stay, the rest
 * is masked -- 900101-1****** (the FSS-style rule "back 6 when the sex is
 * needed", KOREAN-PII-RULES 1.9). */
static void display_registration(const pii_candidate *c, char *out, size_t cap)
{
    static const uint8_t keep[7] = {1, 1, 1, 1, 1, 1, 1};
    pii_display_digits(c, keep, sizeof keep, out, cap);
}

const pii_detector pii_detector_kr_rrn = {"kr_rrn", validate_rrn, display_registration,
                                            rejects_run_rrn};
const pii_detector pii_detector_kr_frn = {"kr_frn", validate_frn, display_registration,
                                            rejects_run_frn};
