/* registry.c -- the validator table: pattern files name a validator, the
 * engine looks it up here once at compile time. */
#include <string.h>

#include "checks.h"
#include "detect.h"

/* Every detector, in the order of docs/detectors.md. */
static const pii_detector *const detectors[] = {
    &pii_detector_kr_rrn,     &pii_detector_kr_frn,   &pii_detector_card,
    &pii_detector_luhn,       &pii_detector_kr_driver_license,
    &pii_detector_kr_passport, &pii_detector_kr_phone, &pii_detector_kr_account,
    &pii_detector_email,      &pii_detector_kr_brn,   &pii_detector_none,
};

#define NDETECTORS (sizeof detectors / sizeof detectors[0])

/* Names, NULL-terminated, in the same order (kept in sync by the unit test
 * that checks pii_detector_find() on every name). */
static const char *const detector_names[NDETECTORS + 1] = {
    "kr_rrn", "kr_frn", "card", "luhn", "kr_driver_license", "kr_passport",
    "kr_phone", "kr_account", "email", "kr_brn", "none", NULL,
};

const pii_detector *pii_detector_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < NDETECTORS; i++)
        if (strcmp(detectors[i]->name, name) == 0)
            return detectors[i];
    return NULL;
}

const char *const *pii_detector_names(void)
{
    return detector_names;
}
