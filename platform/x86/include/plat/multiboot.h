/*
 * Multiboot (v1) information structure, as the loader leaves it.
 */
#ifndef PLAT_MULTIBOOT_H
#define PLAT_MULTIBOOT_H

#include <stdint.h>

#define MB_BOOT_MAGIC 0x2BADB002

#define MB_INFO_MEM	    (1 << 0)
#define MB_INFO_CMDLINE	    (1 << 2)
#define MB_INFO_MODS	    (1 << 3)
#define MB_INFO_MMAP	    (1 << 6)
#define MB_INFO_LOADER_NAME (1 << 9)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 1 MiB / above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t addr, len;
	uint32_t type; /* 1: available RAM */
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

#endif
