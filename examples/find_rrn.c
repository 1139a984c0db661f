/* find_rrn.c -- the smallest useful libpiiscan program: scan standard input
 * and print each finding, masked.  Build against the installed library:
 *
 *   cc find_rrn.c $(pkg-config --cflags --libs piiscan) -o find_rrn
 *   echo '주민번호 900101-1234568' | ./find_rrn
 */
#include <piiscan.h>
#include <stdio.h>

static int print_finding(const piiscan_finding *f, void *user)
{
    unsigned long *count = user;
    ++*count;
    printf("%s line %llu offset %llu: %s (%s, %s%s)\n", f->type, (unsigned long long)f->line,
           (unsigned long long)f->offset, f->display, piiscan_validation_name(f->validation),
           piiscan_confidence_name(f->confidence), f->masked ? ", masked" : "");
    return PIISCAN_CONTINUE;
}

int main(void)
{
    piiscan_engine *engine = NULL;
    piiscan_scratch *scratch = NULL;
    piiscan_stream *stream = NULL;
    unsigned long count = 0;
    char buf[65536];
    size_t n;

    /* Compile once; one scratch per thread; one stream per input. */
    piiscan_status st = piiscan_engine_compile_default(&engine);
    if (st == PIISCAN_OK)
        st = piiscan_scratch_alloc(engine, &scratch);
    if (st == PIISCAN_OK)
        st = piiscan_stream_open(engine, NULL, &stream);
    while (st == PIISCAN_OK && (n = fread(buf, 1, sizeof buf, stdin)) > 0)
        st = piiscan_stream_feed(stream, buf, n, scratch, print_finding, &count);
    if (st == PIISCAN_OK)
        st = piiscan_stream_finish(stream, scratch, print_finding, &count);
    if (st != PIISCAN_OK)
        fprintf(stderr, "find_rrn: %s\n", piiscan_strerror(st));
    piiscan_stream_free(stream);
    piiscan_scratch_free(scratch);
    piiscan_engine_free(engine);
    printf("%lu finding(s), libpiiscan %s\n", count, piiscan_version());
    return st == PIISCAN_OK ? 0 : 2;
}
