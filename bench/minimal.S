/*
 * The boot-time baseline: the smallest multiboot kernel QEMU will load with
 * -kernel (the a.out-kludge address fields make the ELF acceptable) that only
 * leaves through isa-debug-exit with the image's success value (status 33).
 * Built by bench/run.py: gcc -m32 -c, ld -m elf_i386 -Ttext 0x100000.
 */
	.set MAGIC, 0x1BADB002
	.set FLAGS, (1 << 16)
	.text
	.globl _start
	.align 4
header:
	.long MAGIC, FLAGS, -(MAGIC + FLAGS)
	.long header, header, end, end, _start
_start:
	movw $0xf4, %dx
	movl $0x10, %eax
	outl %eax, %dx
1:	hlt
	jmp 1b
end:
