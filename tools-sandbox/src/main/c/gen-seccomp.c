/*
 * Build-time generator of the guest seccomp filter (run by build-native.sh, never at runtime).
 * Writes raw classic BPF for x86_64 to the file named in argv[1]; the sandbox helper loads it
 * with prctl(PR_SET_SECCOMP) just before exec. Default action ALLOW, deny-list from
 * shared/docs/sandbox.md §3.2 item 6, plus: sockets other than AF_UNIX, namespace clone flags,
 * clone3 (ENOSYS so libc falls back to clone, whose flags can be inspected) and TIOCSTI.
 * Any other architecture (i386 int 0x80, x32) is killed by libseccomp's arch check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const denied[] = {
    "ptrace", "mount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
    "open_tree", "mount_setattr", "pivot_root", "chroot", "unshare", "setns",
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    "acct", "quotactl", "quotactl_fd", "syslog", "open_by_handle_at", "name_to_handle_at",
    "lookup_dcookie", "uselib", "vhangup", "iopl", "ioperm", "settimeofday", "clock_settime",
    "adjtimex", "clock_adjtime", "sethostname", "setdomainname", "pidfd_getfd",
    "fanotify_init", "kcmp",
};

static void check(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "gen-seccomp: %s: %s\n", what, strerror(-rc));
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: gen-seccomp OUTPUT.bpf\n");
        return 2;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) {
        fprintf(stderr, "gen-seccomp: seccomp_init failed\n");
        return 1;
    }
    check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "nnp attr");
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        int nr = seccomp_syscall_resolve_name(denied[i]);
        if (nr == __NR_SCMP_ERROR) {
            fprintf(stderr, "gen-seccomp: unknown syscall %s\n", denied[i]);
            return 1;
        }
        check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0), denied[i]);
    }
    /* Network off: only local (AF_UNIX) sockets may be created. */
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                           SCMP_A0(SCMP_CMP_NE, AF_UNIX)), "socket");
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socketpair), 1,
                           SCMP_A0(SCMP_CMP_NE, AF_UNIX)), "socketpair");
    /* No new namespaces, whatever the path: clone with any CLONE_NEW* flag is refused. */
    const unsigned long ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID,
                                      CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP};
    for (size_t i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++) {
        check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                               SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i])), "clone");
    }
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0), "clone3");
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                           SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCSTI)), "ioctl TIOCSTI");
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                           SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, TIOCLINUX)), "ioctl TIOCLINUX");

    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        perror("gen-seccomp: open output");
        return 1;
    }
    check(seccomp_export_bpf(ctx, fd), "export");
    close(fd);
    seccomp_release(ctx);
    return 0;
}
