# The bare-metal hypercall layer.
hyp-y += hypercall/switch.S hypercall/sched.c hypercall/sched_md_x86.c
hyp-y += hypercall/sync.c hypercall/malloc.c hypercall/rumpuser.c
hyp-y += hypercall/rumpuser_threads.c
hyp-y += hypercall/random.c hypercall/app.c
# The rump_sp server's backend transport, or, without the server, the
# answers of its hypercalls (sp/Kconfig).
hyp-$(CONFIG_RUMP_SP) += hypercall/sp_sock.c
ifeq ($(CONFIG_RUMP_SP),)
hyp-$(CONFIG_RUMP_KERNEL) += hypercall/sp_none.c
endif
hyp-y += hypercall/net.c hypercall/blk.c
