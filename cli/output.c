/* output.c -- see output.h. */
#include "output.h"

#include <string.h>

void json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    fputc('"', out);
    while (p < end) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            fputc(c, out);
            p++;
        } else {
            /* Copy a well-formed UTF-8 sequence, else emit U+FFFD for one byte. */
            size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
            int ok = n && (size_t)(end - p) >= n;
            for (size_t i = 1; ok && i < n; i++)
                ok = (p[i] & 0xC0) == 0x80;
            if (ok && n == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)))
                ok = 0;
            if (ok && n == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
                ok = 0;
            if (ok) {
                fwrite(p, 1, n, out);
                p += n;
            } else {
                fputs("\\ufffd", out);
                p++;
            }
        }
    }
    fputc('"', out);
}

void out_finding(const cli_output *o, const char *path, const piiscan_finding *f)
{
    if (o->format == FORMAT_JSONL) {
        fputs("{\"kind\":\"finding\",\"path\":", o->out);
        json_string(o->out, path, strlen(path));
        fputs(",\"type\":", o->out);
        json_string(o->out, f->type, strlen(f->type));
        fprintf(o->out, ",\"line\":%llu,\"offset\":%llu,\"length\":%llu,\"masked\":%s,\"match\":",
                (unsigned long long)f->line, (unsigned long long)f->offset,
                (unsigned long long)f->length, f->masked ? "true" : "false");
        json_string(o->out, f->display, strlen(f->display));
        fprintf(o->out, ",\"validation\":\"%s\",\"confidence\":\"%s\"",
                piiscan_validation_name(f->validation), piiscan_confidence_name(f->confidence));
        if (o->show_raw && f->raw) {
            fputs(",\"raw\":", o->out);
            json_string(o->out, f->raw, f->raw_len);
        }
        fputs("}\n", o->out);
        return;
    }
    const char *bold = o->color ? "\033[1m" : "", *red = o->color ? "\033[31m" : "",
               *dim = o->color ? "\033[2m" : "", *reset = o->color ? "\033[0m" : "";
    fprintf(o->out, "%s%s%s:%llu: %s%s%s %s", bold, path, reset, (unsigned long long)f->line,
            f->masked ? "" : red, f->type, reset, f->display);
    if (o->show_raw && f->raw) {
        fputs(" raw=", o->out);
        fwrite(f->raw, 1, f->raw_len, o->out);
    }
    fprintf(o->out, " %s(%s, %s%s)%s\n", dim, piiscan_validation_name(f->validation),
            piiscan_confidence_name(f->confidence), f->masked ? ", masked" : "", reset);
}

void out_file_status(const cli_output *o, const char *path, const char *status, const char *reason)
{
    if (o->format == FORMAT_JSONL) {
        fputs("{\"kind\":\"file\",\"path\":", o->out);
        json_string(o->out, path, strlen(path));
        fprintf(o->out, ",\"status\":\"%s\",\"reason\":", status);
        json_string(o->out, reason, strlen(reason));
        fputs("}\n", o->out);
    } else {
        fprintf(stderr, "piiscan: %s: %s: %s\n", path, status, reason);
    }
}
