/*
 * The platform's printf engine. Kept free of machine dependencies: the host
 * tests link this very file.
 */
#include <stdbool.h>
#include <stdint.h>

#include "plat/fmt.h"

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none given */
};

struct out {
	fmt_put_fn put;
	void *arg;
	int n;
};

static void
emit(struct out *o, int c)
{
	o->put(c, o->arg);
	o->n++;
}

static void
pad(struct out *o, int c, int count)
{
	while (count-- > 0)
		emit(o, c);
}

static void
emit_str(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (s == NULL)
		s = "(null)";
	while (s[len] != '\0' && (sp->prec < 0 || len < sp->prec))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		emit(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void
emit_num(struct out *o, const struct spec *sp, uintmax_t v, bool neg,
    unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int nd = 0, zeros, len, plen;
	char sign = 0;

	while (v != 0) {
		buf[nd++] = digits[v % base];
		v /= base;
	}
	/* C99: precision 0 with value 0 prints no digits. */
	if (nd == 0 && sp->prec != 0)
		buf[nd++] = '0';
	if (neg)
		sign = '-';
	else if (sp->plus)
		sign = '+';
	else if (sp->space)
		sign = ' ';

	zeros = sp->prec > nd ? sp->prec - nd : 0;
	plen = prefix != NULL ? 2 : 0;
	len = nd + zeros + plen + (sign != 0);
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	if (sign != 0)
		emit(o, sign);
	if (prefix != NULL) {
		emit(o, prefix[0]);
		emit(o, prefix[1]);
	}
	pad(o, '0', zeros);
	while (nd > 0)
		emit(o, buf[--nd]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

enum len { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_PTRDIFF, L_MAX };

static intmax_t
signed_arg(va_list *ap, enum len l)
{
	switch (l) {
	case L_CHAR:
		return (signed char)va_arg(*ap, int);
	case L_SHORT:
		return (short)va_arg(*ap, int);
	case L_LONG:
		return va_arg(*ap, long);
	case L_LLONG:
		return va_arg(*ap, long long);
	case L_SIZE:
		return va_arg(*ap, long); /* ssize_t */
	case L_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	case L_MAX:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static uintmax_t
unsigned_arg(va_list *ap, enum len l)
{
	switch (l) {
	case L_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case L_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case L_LONG:
		return va_arg(*ap, unsigned long);
	case L_LLONG:
		return va_arg(*ap, unsigned long long);
	case L_SIZE:
		return va_arg(*ap, size_t);
	case L_PTRDIFF:
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	case L_MAX:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static const char *
parse_spec(const char *f, struct spec *sp, enum len *l, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		while (*f >= '0' && *f <= '9')
			sp->width = sp->width * 10 + (*f++ - '0');
	}
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp->prec = sp->prec * 10 + (*f++ - '0');
		}
	}
	*l = L_INT;
	switch (*f) {
	case 'h':
		f++;
		*l = L_SHORT;
		if (*f == 'h') {
			f++;
			*l = L_CHAR;
		}
		break;
	case 'l':
		f++;
		*l = L_LONG;
		if (*f == 'l') {
			f++;
			*l = L_LLONG;
		}
		break;
	case 'z':
		f++;
		*l = L_SIZE;
		break;
	case 't':
		f++;
		*l = L_PTRDIFF;
		break;
	case 'j':
		f++;
		*l = L_MAX;
		break;
	default:
		break;
	}
	return f;
}

int
fmt_vformat(fmt_put_fn put, void *arg, const char *fmt, va_list ap0)
{
	struct out o = { put, arg, 0 };
	struct spec sp;
	enum len l;
	va_list ap;

	va_copy(ap, ap0);
	for (const char *f = fmt; *f != '\0'; f++) {
		const char *start = f;
		if (*f != '%') {
			emit(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &l, &ap);
		switch (*f) {
		case 'd':
		case 'i': {
			intmax_t v = signed_arg(&ap, l);
			uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
			emit_num(&o, &sp, mag, v < 0, 10, false, NULL);
			break;
		}
		case 'u':
			emit_num(&o, &sp, unsigned_arg(&ap, l), false, 10,
			    false, NULL);
			break;
		case 'o': {
			uintmax_t v = unsigned_arg(&ap, l);
			if (sp.alt && v != 0) {
				/* '#': raise the precision until a 0 leads. */
				int nd = 0;
				for (uintmax_t t = v; t != 0; t >>= 3)
					nd++;
				if (sp.prec < nd + 1)
					sp.prec = nd + 1;
			}
			emit_num(&o, &sp, v, false, 8, false, NULL);
			break;
		}
		case 'x':
		case 'X': {
			uintmax_t v = unsigned_arg(&ap, l);
			const char *pfx = NULL;
			if (sp.alt && v != 0)
				pfx = *f == 'x' ? "0x" : "0X";
			emit_num(&o, &sp, v, false, 16, *f == 'X', pfx);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			sp.plus = sp.space = false;
			emit_num(&o, &sp, v, false, 16, false, "0x");
			break;
		}
		case 's':
			emit_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), '\0' };
			if (!sp.left)
				pad(&o, ' ', sp.width - 1);
			emit(&o, c[0]);
			if (sp.left)
				pad(&o, ' ', sp.width - 1);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		default:
			/* Unknown or truncated: print it as written, consume nothing. */
			for (; start <= f && *start != '\0'; start++)
				emit(&o, *start);
			if (*f == '\0')
				f--;
			break;
		}
	}
	va_end(ap);
	return o.n;
}

struct bufout {
	char *buf;
	size_t size;
	size_t pos;
};

static void
buf_put(int c, void *arg)
{
	struct bufout *b = arg;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = (char)c;
	b->pos++;
}

int
fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bufout b = { buf, size, 0 };
	int n = fmt_vformat(buf_put, &b, fmt, ap);

	if (size > 0)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int
fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
