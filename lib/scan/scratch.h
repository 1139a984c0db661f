/* scratch.h -- piiscan_scratch: per-thread working memory.  PCRE2 match data
 * and match context (which carries the per-search offset limit) must not be
 * shared between threads; neither may the candidate buffers. */
#ifndef PII_SCAN_SCRATCH_H
#define PII_SCAN_SCRATCH_H

#include "engine.h"

#define PII_SCRATCH_MAGIC 0x53435254u /* "SCRT" */

struct piiscan_scratch {
    uint32_t magic;
    const piiscan_engine *engine;
    int in_use;
    int file_busy;      /* inside piiscan_scan_file/_fd/_blob */
    void *magic_cookie; /* libmagic handle (not thread-safe: one per scratch) */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack;
    pii_candidate_buf cbuf;
    /* The candidate last built in cbuf, for text [cand_ms, cand_me) of the
     * current call's stream: kr_rrn, kr_frn and card often get the same
     * match (a 13-digit number), and normalising it again would give the
     * same bytes.  cand_ok is cleared when a call starts. */
    pii_candidate cand;
    uint64_t cand_ms, cand_me;
    int cand_ok;
    struct piiscan_stream *whole; /* reused by piiscan_scan() */
    /* The top-level stream and 64 KiB typing head of piiscan_scan_file/_fd/
     * _blob, kept from one file to the next: a tree of small files would
     * otherwise allocate and free both (and fault in fresh pages) per file. */
    struct piiscan_stream *file_stream;
    uint8_t *file_head;
    /* Results of recent searches, keyed by regex group and subject: a
     * pattern whose regex equals an earlier one's (kr_frn and kr_rrn) gets
     * the same answer without a PCRE2 call.  Valid within one feed/finish
     * call only (text positions are stable there). */
    struct pii_search_memo {
        uint32_t group;
        uint64_t st, se, we;
        int rc;
        uint64_t ms, me;
    } memo[8];
    unsigned memo_n, memo_next;
};

#endif
