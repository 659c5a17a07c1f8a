# The bare-metal hypercall layer.
hyp-y += hypercall/switch.S hypercall/sched.c hypercall/sched_md_x86.c
hyp-y += hypercall/sync.c hypercall/malloc.c hypercall/rumpuser.c
hyp-y += hypercall/rumpuser_threads.c
hyp-y += hypercall/random.c hypercall/app.c
hyp-$(CONFIG_RUMP_KERNEL) += hypercall/sp_sock.c
hyp-y += hypercall/net.c hypercall/blk.c
