/* NetBSD's libutil header: nothing of it is used by the rump tests. */
