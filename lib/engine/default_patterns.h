/* default_patterns.h -- the embedded default pattern set (the .pat files in patterns/),
 * generated into default_patterns.c by cmake/embed.cmake. */
#ifndef PII_ENGINE_DEFAULT_PATTERNS_H
#define PII_ENGINE_DEFAULT_PATTERNS_H
#include <stddef.h>
extern const char *const pii_default_patterns;
extern const size_t pii_default_patterns_len;
#endif
