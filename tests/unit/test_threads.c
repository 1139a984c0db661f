/* test_threads.c -- one engine shared by several threads, each with its own
 * scratch and stream, gives every thread the single-threaded result. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "testutil.h"

static const char doc[] = "주민등록번호: 900101-1234568, 연락처 010-2345-6789, mail a.b@example.com\n"
                          "카드 4111 1111 1111 1111, 계좌: 국민은행 123456-01-234567\n";

typedef struct job {
    const piiscan_engine *engine;
    const tfindings *want;
    int ok;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    j->ok = 1;
    for (int i = 0; i < 200 && j->ok; i++) {
        tfindings f = {0};
        /* Alternate whole-buffer and chunked scans. */
        int st = (i % 2) ? t_scan_chunked(j->engine, NULL, doc, sizeof doc - 1, 1 + (size_t)i % 13, &f)
                         : t_scan(j->engine, NULL, doc, sizeof doc - 1, &f);
        j->ok = st == PIISCAN_OK && t_same(&f, j->want);
        t_free(&f);
    }
    return NULL;
}

Test(threads, shared_engine_gives_every_thread_the_same_findings)
{
    const piiscan_engine *e = t_default_engine();
    tfindings want = {0};
    cr_assert_eq(t_scan(e, NULL, doc, sizeof doc - 1, &want), PIISCAN_OK);
    cr_assert_geq(want.n, 5);
    pthread_t th[4];
    job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (job){e, &want, 0};
        cr_assert_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        cr_assert(jobs[i].ok, "thread %d saw different findings", i);
    }
    t_free(&want);
}
