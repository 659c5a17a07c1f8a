/*
 * Stopping the machine. Under QEMU, plat_exit() ends QEMU through the
 * isa-debug-exit device (iobase 0xf4), whose exit status is value * 2 + 1;
 * on hardware without it, plat_exit() halts.
 */
#ifndef PLAT_POWER_H
#define PLAT_POWER_H

/* Exit values; QEMU's status is value * 2 + 1 (value 0 would collide with QEMU's own error 1). */
#define PLAT_EXIT_OK	0x10 /* status 33: the workload finished */
#define PLAT_EXIT_FAIL	0x11 /* status 35: the workload reported failure */
#define PLAT_EXIT_PANIC 0x12 /* status 37: panic() */
#define PLAT_EXIT_TRAP	0x13 /* status 39: unhandled CPU exception */
#define PLAT_EXIT_NOMEM 0x14 /* status 41: too little memory to boot */
/*
 * A program's exit status s (1..32, 32 standing for every larger one):
 * QEMU's status 129 + 2s, which scripts/run-qemu turns back into s.
 * Status 0 is PLAT_EXIT_OK.
 */
#define PLAT_EXIT_PROGRAM(s)  (0x40 + (s))
#define PLAT_EXIT_PROGRAM_MAX 32

void plat_exit(int value) __attribute__((noreturn));
void plat_halt(void) __attribute__((noreturn));
void plat_reboot(void) __attribute__((noreturn));

#endif
