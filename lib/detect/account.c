/* account.c -- Korean bank account numbers (kr_account).
 *
 * There is no public checksum (KOREAN-PII-RULES 1.7: the KFTC CMS format
 * book reserves a check position but not its algorithm; korean-account
 * DOCS.md, edaily.co.kr).  So an account is a known digit grouping (or a
 * bare run of a known length) plus a context keyword, which the pattern
 * requires (context_required = yes) and this validator checks again.  The
 * validator also refuses the shapes of stronger types that a keyword nearby
 * would otherwise let through: phone numbers and hyphenated RRNs. */
#include <string.h>

#include "checks.h"
#include "detect.h"

/* Hyphenated layouts (group sizes, 0-terminated).  Sources: the KFTC CMS
 * "참가기관별 계좌번호체계" as transcribed in dydals3440/korean-account
 * docs/registry.md (bank code in brackets), and the display forms banks and
 * apps print (KOREAN-PII-RULES 1.7: KB 6-2-6, K bank 3-3-6, Kakao Bank
 * 4-2-7, Toss Bank 3-8-1 and its app's 4-4-4). */
static const unsigned char account_layouts[][7] = {
    {2, 2, 5, 1, 0},       /* 10: (053) old Citi, Jeju old [035] */
    {1, 6, 2, 1, 0},       /* 10: Citi new [027] */
    {8, 2, 0},             /* 10: IBK lifetime [003] */
    {3, 3, 4, 0},          /* 10: Shinhyup new [048], KB customer-chosen [004] */
    {3, 2, 5, 1, 0},       /* 11: KDB, Hana, NH, Woori (Sangup), SC old [002/005/011/020/023] */
    {3, 2, 6, 0},          /* 11: Suhyup old [007]; common print of SC/Shinhan old */
    {3, 8, 0},             /* 11: IBK lifetime [003] */
    {3, 5, 2, 1, 0},       /* 11: Hanmi [027] */
    {3, 4, 4, 0},          /* 11: Shinhyup new [048] (phone-shaped ones are refused) */
    {3, 2, 6, 1, 0},       /* 12: IBK, Woori (Pyeonghwa), iM, Busan, Jeonbuk, Kyongnam old, forestry */
    {3, 2, 4, 2, 1, 0},    /* 12: KB old [004] */
    {3, 2, 4, 3, 0},       /* 12: KB old, common print */
    {4, 2, 5, 1, 0},       /* 12: Housing (KB), NH old [004/011] */
    {3, 6, 3, 0},          /* 12: Hana next-gen, Jeju new [005/035] */
    {3, 9, 0},             /* 12: Suhyup new [007] */
    {1, 11, 0},            /* 12: Suhyup central [030] */
    {3, 3, 5, 1, 0},       /* 12: Kwangju old, Shinhyup new [034/048] */
    {3, 3, 6, 0},          /* 12: Kwangju [034]; Shinhan, K bank print */
    {1, 6, 1, 2, 2, 0},    /* 12: Citi 2008 [027] */
    {3, 5, 1, 3, 0},       /* 12: HSBC [054] */
    {4, 5, 2, 1, 0},       /* 12: BOA [060] */
    {3, 8, 1, 0},          /* 12: Toss Bank [092] */
    {4, 4, 4, 0},          /* 12: Toss Bank app print */
    {3, 4, 4, 2, 0},       /* 13: NH next-gen [011/012] */
    {4, 3, 6, 0},          /* 13: Woori [020] */
    {3, 5, 2, 1, 2, 0},    /* 13: Citi [027] */
    {2, 11, 0},            /* 13: iM new [031] */
    {3, 4, 5, 1, 0},       /* 13: Busan new [032] */
    {1, 3, 8, 1, 0},       /* 13: Kwangju new [034] */
    {1, 3, 2, 6, 1, 0},    /* 13: Jeonbuk new [037] */
    {3, 9, 1, 0},          /* 13: Kyongnam new [039] */
    {4, 2, 6, 1, 0},       /* 13: MG Saemaul [045] */
    {5, 2, 5, 1, 0},       /* 13: Shinhyup old [048] */
    {5, 2, 6, 0},          /* 13: forestry new [064] */
    {4, 2, 7, 0},          /* 13: Kakao Bank [090] */
    {3, 7, 1, 3, 0},       /* 14: KDB new [002] */
    {3, 8, 3, 0},          /* 14: KDB new [002] */
    {3, 6, 2, 2, 1, 0},    /* 14: IBK new, Woori (Hanil) [003/020] */
    {3, 6, 2, 3, 0},       /* 14: IBK common print */
    {4, 2, 7, 1, 0},       /* 14: KB virtual, Housing [004] */
    {3, 11, 0},            /* 14: Suhyup virtual [007] */
    {6, 2, 5, 1, 0},       /* 14: NH old virtual, NH central [011/012] */
    {3, 4, 4, 2, 1, 0},    /* 14: NH new virtual [011/012] */
    {3, 5, 1, 2, 2, 1, 0}, /* 14: Woori linked [020] */
    {3, 2, 9, 0},          /* 14: SC virtual [023] */
    {3, 2, 6, 3, 0},       /* 14: iM new [031] */
    {3, 10, 1, 0},         /* 14: iM virtual [031] */
    {5, 2, 6, 1, 0},       /* 14: Shinhyup old [048] */
    {3, 2, 2, 6, 1, 0},    /* 14: savings banks [050] */
    {4, 10, 0},            /* 14: BOA [060] */
    {5, 6, 3, 0},          /* 14: BNP Paribas [061] */
    {3, 6, 5, 0},          /* 14: Hana, common print */
    {6, 2, 6, 0},          /* 14: KB, NH, post office, common print */
};

static int layout_known(const size_t *g, size_t ng)
{
    for (size_t i = 0; i < sizeof account_layouts / sizeof account_layouts[0]; i++) {
        const unsigned char *l = account_layouts[i];
        size_t k = 0;
        while (k < ng && l[k] && l[k] == g[k])
            k++;
        if (k == ng && l[k] == 0)
            return 1;
    }
    return 0;
}

/* A hyphenated RRN (YYMMDD-GNNNNNN with a real date and gender digit) is
 * never an account, keyword or not. */
static int rrn_shaped(const pii_candidate *c, const size_t *g, size_t ng)
{
    if (ng != 2 || g[0] != 6 || g[1] != 7)
        return 0;
    const char *d = c->digits;
    int century = pii_rrn_century(d[6]);
    int yy = pii_digits_int(d, 2), mm = pii_digits_int(d + 2, 2), dd = pii_digits_int(d + 4, 2);
    return century > 0 && yy >= 0 && pii_date_valid(century + yy, mm, dd);
}

static void validate_account(const pii_candidate *c, pii_verdict *v)
{
    size_t n = c->ndigits, g[8];
    int consistent;
    v->accept = 0;
    if (n < 10 || n > 14)
        return;
    size_t ng = pii_digit_groups(c, g, 8, &consistent);
    if (ng > 7 || !consistent)
        return;
    /* The pattern requires a keyword; a custom pattern reusing this
     * validator without one gets the same rule. */
    if (!c->has_context(c))
        return;
    if (pii_kr_phone_prefix(c->digits, n, NULL) != 0 || rrn_shaped(c, g, ng))
        return; /* phones and RRNs belong to kr_phone / kr_rrn */
    if (ng == 1) {
        if (c->nmask > 0)
            return; /* a masked run without grouping is anything */
        /* A bare barcode or timestamp near "입금" is still a barcode or a
         * timestamp, unless a keyword names it (tests/accuracy). */
        if (n == 13 && pii_lookalike13(c->digits) &&
            !c->names_value(c, PII_NAMES_VALUE_REACH))
            return;
        v->confidence = PIISCAN_CONF_LOW;
    } else {
        if (!layout_known(g, ng))
            return;
        /* Masks are accepted after the first group (110-***-123456), but a
         * value must keep some visible digits to be an account at all. */
        if (c->nmask > 0 && (strspn(c->digits, "0123456789") < g[0] || n - c->nmask < 4))
            return;
        v->confidence = PIISCAN_CONF_MEDIUM;
    }
    v->accept = 1;
    v->masked = c->nmask > 0;
    v->validation = PIISCAN_VALID_CONTEXT;
}

/* Display: the last four digits only (******-**-**4567). */
static void display_account(const pii_candidate *c, char *out, size_t cap)
{
    uint8_t keep[PII_NORM_MAX + 1];
    size_t n = c->ndigits;
    for (size_t i = 0; i < n; i++)
        keep[i] = i + 4 >= n;
    pii_display_digits(c, keep, n, out, cap);
}

const pii_detector pii_detector_kr_account = {"kr_account", validate_account, display_account, NULL};
