# Objects of the x86-64 platform, relative to the tree root.
plat-y += platform/x86/boot.S platform/x86/isr.S
plat-y += platform/x86/main.c platform/x86/cons.c platform/x86/fmt.c
plat-y += platform/x86/string.c platform/x86/gdt.c platform/x86/trap.c
plat-y += platform/x86/ksyms.c platform/x86/mmu.c platform/x86/mem.c
plat-y += platform/x86/pagealloc.c platform/x86/cmdline.c
plat-y += platform/x86/clock.c platform/x86/intr.c platform/x86/timer.c
plat-y += platform/x86/power.c
# pci.c before the drivers: initcalls run in link order.
plat-y += platform/x86/pci.c
plat-$(CONFIG_PLAT_VIRTIO_NET) += platform/x86/virtio_net.c
plat-$(CONFIG_PLAT_VIRTIO_BLK) += platform/x86/virtio_blk.c
