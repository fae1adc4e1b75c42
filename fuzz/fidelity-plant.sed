# The planted difference for the fidelity self-test (fuzz/fidelity.mk,
# scripts/suites/fidelity_fuzz.sh): in the linux profile's table only,
# privcmd DM_OP aimed at another domain than the restriction's answers
# ENOSYS where Linux 6.1 answers EPERM (drivers/xen/privcmd.c,
# privcmd_ioctl_dm_op).  sim/dev/profiles.c itself is never changed.
/^static void table_LINUX(struct xsim_profile \*p)$/,/^}$/s/\[XSIM_OP_PRIVCMD_DM_OP\] = TARGET(EPERM)/[XSIM_OP_PRIVCMD_DM_OP] = TARGET(ENOSYS)/
