/* A small printf family. One formatter (format()) writes into a sink; the
 * sink is either a caller's buffer (snprintf) or a 256-byte staging buffer
 * flushed with write(2) when full and at the end (printf, dprintf), so a
 * short message is one write. */
#include "minilib.h"

struct sink {
    char *buf;
    size_t cap;   /* bytes buf can hold */
    size_t len;   /* bytes currently in buf */
    size_t total; /* bytes produced so far */
    int fd;       /* >= 0: flush to this fd when full; < 0: truncate */
};

static void flush(struct sink *s) {
    size_t off = 0;
    while (off < s->len) {
        ssize_t n = write(s->fd, s->buf + off, s->len - off);
        if (n <= 0) break;
        off += (size_t)n;
    }
    s->len = 0;
}

static void put(struct sink *s, char c) {
    s->total++;
    if (s->len == s->cap) {
        if (s->fd < 0) return;
        flush(s);
    }
    s->buf[s->len++] = c;
}

static void pad(struct sink *s, char c, int n) {
    while (n-- > 0) put(s, c);
}

/* Emits digits of v in base with optional sign/prefix, honouring width and flags. */
static void number(struct sink *s, unsigned long long v, int base, int upper, int neg,
                   const char *prefix, int width, int zero, int left) {
    char tmp[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    do {
        tmp[n++] = digits[v % (unsigned)base];
        v /= (unsigned)base;
    } while (v);
    int plen = (int)strlen(prefix) + (neg ? 1 : 0);
    int fill = width - n - plen;
    if (!left && !zero) pad(s, ' ', fill);
    if (neg) put(s, '-');
    while (*prefix) put(s, *prefix++);
    if (!left && zero) pad(s, '0', fill);
    while (n) put(s, tmp[--n]);
    if (left) pad(s, ' ', fill);
}

static void format(struct sink *s, const char *fmt, va_list ap) {
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(s, *fmt);
            continue;
        }
        fmt++;
        int zero = 0, left = 0, width = 0, lng = 0;
        for (;; fmt++) {
            if (*fmt == '0') zero = 1;
            else if (*fmt == '-') left = 1;
            else break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        for (;; fmt++) {
            if (*fmt == 'l') lng++;
            else if (*fmt == 'z') lng = 1;
            else break;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            number(s, u, 10, 0, v < 0, "", width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            number(s, v, base, *fmt == 'X', 0, "", width, zero, left);
            break;
        }
        case 'p':
            number(s, (unsigned long)va_arg(ap, void *), 16, 0, 0, "0x", width, zero, left);
            break;
        case 'c': {
            if (!left) pad(s, ' ', width - 1);
            put(s, (char)va_arg(ap, int));
            if (left) pad(s, ' ', width - 1);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str) str = "(null)";
            int n = (int)strlen(str);
            if (!left) pad(s, ' ', width - n);
            while (*str) put(s, *str++);
            if (left) pad(s, ' ', width - n);
            break;
        }
        case '%':
            put(s, '%');
            break;
        case '\0':
            return;
        default: /* unknown conversion: print it verbatim */
            put(s, '%');
            put(s, *fmt);
            break;
        }
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
    char dummy;
    struct sink s = {size ? buf : &dummy, size ? size - 1 : 0, 0, 0, -1};
    format(&s, fmt, ap);
    if (size) buf[s.len] = '\0';
    return (int)s.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vdprintf(int fd, const char *fmt, va_list ap) {
    char stage[256];
    struct sink s = {stage, sizeof stage, 0, 0, fd};
    format(&s, fmt, ap);
    flush(&s);
    return (int)s.total;
}

int dprintf(int fd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

int printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf(1, fmt, ap);
    va_end(ap);
    return n;
}
