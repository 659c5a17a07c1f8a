/*
 * Console: 16550 UART polling driver, optional VGA text mode, log levels.
 */
#include <stdbool.h>
#include <stdint.h>

#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/fmt.h"
#include "plat/string.h"

#ifdef CONFIG_CONSOLE_SERIAL
#define COM	 CONFIG_CONSOLE_SERIAL_PORT
#define COM_THR	 (COM + 0)
#define COM_DLL	 (COM + 0)
#define COM_IER	 (COM + 1)
#define COM_DLM	 (COM + 1)
#define COM_FCR	 (COM + 2)
#define COM_LCR	 (COM + 3)
#define COM_MCR	 (COM + 4)
#define COM_LSR	 (COM + 5)
#define LSR_THRE 0x20

/* 0: not set up yet, 1: working, -1: no UART answers at that port. */
static int serial_state;

static void
serial_init(void)
{
	uint16_t div = 115200 / CONFIG_CONSOLE_SERIAL_BAUD;

	/* A missing UART reads as all ones. */
	if (inb(COM_LSR) == 0xff) {
		serial_state = -1;
		return;
	}
	outb(COM_IER, 0x00); /* no interrupts */
	outb(COM_LCR, 0x80); /* DLAB: set the divisor */
	outb(COM_DLL, div & 0xff);
	outb(COM_DLM, div >> 8);
	outb(COM_LCR, 0x03); /* 8N1 */
	outb(COM_FCR, 0x07); /* FIFOs on and cleared */
	outb(COM_MCR, 0x03); /* DTR, RTS */
	serial_state = 1;
}

static void
serial_putc(int c)
{
	/* Bounded wait: a wedged UART must not hang a panic report forever. */
	for (int spin = 0; spin < 100000; spin++)
		if (inb(COM_LSR) & LSR_THRE)
			break;
	outb(COM_THR, (uint8_t)c);
}
#endif

#ifdef CONFIG_CONSOLE_VGA
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700

static volatile uint16_t *const vga = (volatile uint16_t *)0xb8000;
static int vga_row, vga_col;

static void
vga_putc(int c)
{
	if (c == '\n') {
		vga_col = 0;
		vga_row++;
	} else if (c == '\r') {
		vga_col = 0;
	} else {
		vga[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
		if (++vga_col == VGA_COLS) {
			vga_col = 0;
			vga_row++;
		}
	}
	if (vga_row == VGA_ROWS) {
		for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
			vga[i] = vga[i + VGA_COLS];
		for (int i = 0; i < VGA_COLS; i++)
			vga[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
		vga_row = VGA_ROWS - 1;
	}
}
#endif

void
cons_putc(int c)
{
#ifdef CONFIG_CONSOLE_SERIAL
	if (serial_state == 0)
		serial_init();
	if (serial_state > 0) {
		if (c == '\n')
			serial_putc('\r');
		serial_putc(c);
	}
#endif
#ifdef CONFIG_CONSOLE_VGA
	vga_putc(c);
#endif
	(void)c;
}

void
cons_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		cons_putc(s[i]);
}

static void
put_cons(int c, void *arg)
{
	(void)arg;
	cons_putc(c);
}

int
kvprintf(const char *fmt, va_list ap)
{
	return fmt_vformat(put_cons, NULL, fmt, ap);
}

int
kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

static enum log_level cur_level = CONFIG_LOG_LEVEL;

void
klog(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > cur_level)
		return;
	if (level == LOG_ERR)
		kprintf("error: ");
	else if (level == LOG_WARN)
		kprintf("warning: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void
log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level
log_get_level(void)
{
	return cur_level;
}

int
log_parse_level(const char *s, enum log_level *out)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0 ||
		    (s[0] == '0' + i && s[1] == '\0')) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}
