/*
 * agentrt-sandbox-helper: the small trusted shim between the executor JVM and a guest.
 *
 *   helper probe                     print "landlock_abi=N" and "seccomp=0|1"
 *   helper kill-uid UID              become UID and SIGKILL every process of UID (tier C sweep)
 *   helper run [OPTIONS] -- ARGV...  set up one layer after another, then execve(ARGV)
 *
 * run options, applied in this order (each failure exits 125 with "agentrt-sandbox-helper: ..."):
 *   --cgroup-procs PATH   join a cgroup (PATH must be a cgroup.procs file under /sys/fs/cgroup)
 *   --rlimit NAME=SOFT:HARD  NAME in cpu,fsize,nofile,nproc,core,as
 *   --uid N --gid N       drop to this uid/gid, no supplementary groups, no capabilities
 *   --parent-pid N        die (SIGKILL) when that parent goes away
 *   (no_new_privs is always set)
 *   --landlock-ro/--landlock-rx/--landlock-rw PATH   Landlock rules; missing paths are skipped
 *   --landlock-min-abi N  apply Landlock, refuse to run below this ABI (0 = best effort)
 *   --seccomp-file PATH   load a raw BPF program (generated at build time by gen-seccomp)
 *   --stdin-file PATH     the guest's stdin, opened as the guest's uid (after --uid/--gid): must be
 *                         a regular file; symlinks are followed, because Kubernetes Secret volumes
 *                         are symlink farms (tier B delivers the program this way, no attach)
 *   --chdir PATH          working directory
 *   --env K=V             guest environment (default: empty)
 *   --init                stay as a minimal init: fork, exec the guest in the child, reap every
 *                         orphan, forward SIGTERM/SIGINT/SIGHUP/SIGQUIT, and exit with the guest's
 *                         status (128+N if signal N killed it). For a guest that would otherwise be
 *                         pid 1 of a pid namespace (a runner pod's container), where the kernel
 *                         drops signals that have no handler, e.g. RLIMIT_CPU's SIGXCPU.
 * The executor JVM never passes guest-controlled strings as options: ARGV comes from trusted
 * configuration, guest code travels on stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* Landlock UAPI, spelled out so the helper builds against old kernel headers too. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)
#define LL_FS_TRUNCATE (1ULL << 14)
#define LL_FS_IOCTL_DEV (1ULL << 15)
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#define MAX_ITEMS 64

static void die(const char *stage, const char *detail) {
    fprintf(stderr, "agentrt-sandbox-helper: %s%s%s: %s\n", stage, detail ? " " : "",
            detail ? detail : "", strerror(errno));
    _exit(125);
}

static void fail(const char *message, const char *detail) {
    fprintf(stderr, "agentrt-sandbox-helper: %s%s%s\n", message, detail ? " " : "",
            detail ? detail : "");
    _exit(125);
}

static long parse_long(const char *text, const char *what) {
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0 || value > LONG_MAX) {
        fail("bad number for", what);
    }
    return (long)value;
}

static int landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int)abi;
}

static uint64_t fs_rights_for_abi(int abi) {
    uint64_t rights = (LL_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */
    if (abi >= 2) rights |= LL_FS_REFER;
    if (abi >= 3) rights |= LL_FS_TRUNCATE;
    if (abi >= 5) rights |= LL_FS_IOCTL_DEV;
    return rights;
}

static const uint64_t FILE_RIGHTS =
    LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV;

struct landlock_plan {
    const char *paths[MAX_ITEMS];
    uint64_t access[MAX_ITEMS];
    int count;
    int min_abi;
    int requested;
};

static void landlock_apply(const struct landlock_plan *plan) {
    int abi = landlock_abi();
    if (abi < plan->min_abi || (plan->min_abi > 0 && abi == 0)) {
        char buf[64];
        snprintf(buf, sizeof buf, "%d < %d", abi, plan->min_abi);
        fail("landlock ABI too old:", buf);
    }
    if (abi == 0) return; /* best effort and unavailable: the other layers still hold */
    uint64_t handled = fs_rights_for_abi(abi);
    struct ll_ruleset_attr attr = {.handled_access_fs = handled};
    size_t size = sizeof(uint64_t);
    if (abi >= 4) {
        attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP; /* no TCP rule: deny all */
        size = 2 * sizeof(uint64_t);
    }
    if (abi >= 6) {
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
        size = sizeof attr;
    }
    int ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (ruleset < 0) die("landlock_create_ruleset", NULL);
    for (int i = 0; i < plan->count; i++) {
        int fd = open(plan->paths[i], O_PATH | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) continue;
            die("landlock open", plan->paths[i]);
        }
        struct stat st;
        if (fstat(fd, &st) != 0) die("landlock fstat", plan->paths[i]);
        uint64_t allowed = plan->access[i] & handled;
        if (!S_ISDIR(st.st_mode)) allowed &= FILE_RIGHTS;
        struct ll_path_beneath_attr rule = {.allowed_access = allowed, .parent_fd = fd};
        if (syscall(__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0) != 0) {
            die("landlock_add_rule", plan->paths[i]);
        }
        close(fd);
    }
    if (syscall(__NR_landlock_restrict_self, ruleset, 0) != 0) die("landlock_restrict_self", NULL);
    close(ruleset);
}

static struct sock_filter seccomp_program[4096];
static struct sock_fprog seccomp_prog;

/* Read before Landlock is applied (which may hide the file), install last. */
static void seccomp_read(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) die("seccomp open", path);
    ssize_t total = 0;
    for (;;) {
        ssize_t n = read(fd, (char *)seccomp_program + total, sizeof seccomp_program - (size_t)total);
        if (n < 0) die("seccomp read", path);
        if (n == 0) break;
        total += n;
        if ((size_t)total == sizeof seccomp_program) fail("seccomp program too large:", path);
    }
    close(fd);
    if (total == 0 || total % (ssize_t)sizeof(struct sock_filter) != 0) {
        fail("seccomp program malformed:", path);
    }
    seccomp_prog.len = (unsigned short)(total / (ssize_t)sizeof(struct sock_filter));
    seccomp_prog.filter = seccomp_program;
}

static void seccomp_install(void) {
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &seccomp_prog) != 0) die("seccomp load", NULL);
}

static void join_cgroup(const char *procs_path) {
    if (strncmp(procs_path, "/sys/fs/cgroup/", 15) != 0 || strstr(procs_path, "/../") != NULL) {
        fail("refusing cgroup path outside /sys/fs/cgroup:", procs_path);
    }
    int fd = open(procs_path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) die("cgroup open", procs_path);
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    if (write(fd, pid, (size_t)len) != len) die("cgroup join", procs_path);
    close(fd);
}

static void set_rlimit(const char *spec) {
    static const struct { const char *name; int resource; } names[] = {
        {"cpu", RLIMIT_CPU}, {"fsize", RLIMIT_FSIZE}, {"nofile", RLIMIT_NOFILE},
        {"nproc", RLIMIT_NPROC}, {"core", RLIMIT_CORE}, {"as", RLIMIT_AS},
    };
    char buf[128];
    if (strlen(spec) >= sizeof buf) fail("rlimit spec too long:", spec);
    strcpy(buf, spec);
    char *eq = strchr(buf, '=');
    char *colon = eq ? strchr(eq, ':') : NULL;
    if (!eq || !colon) fail("rlimit spec must be NAME=SOFT:HARD:", spec);
    *eq = '\0';
    *colon = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(buf, names[i].name) == 0) {
            struct rlimit limit = {.rlim_cur = (rlim_t)parse_long(eq + 1, spec),
                                   .rlim_max = (rlim_t)parse_long(colon + 1, spec)};
            if (setrlimit(names[i].resource, &limit) != 0) die("setrlimit", spec);
            return;
        }
    }
    fail("unknown rlimit:", spec);
}

static void drop_identity(long uid, long gid) {
    if (uid <= 0 || gid <= 0) fail("refusing to run a guest as root", NULL);
    /* Empty bounding set first (needs CAP_SETPCAP, which we still hold as root). */
    for (int cap = 0; cap <= 63; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) die("capbset drop", NULL);
    }
    if (setgroups(0, NULL) != 0) die("setgroups", NULL);
    if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0) die("setresgid", NULL);
    if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) die("setresuid", NULL);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        die("clear ambient caps", NULL);
    }
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &header, data) != 0) die("capset", NULL);
    if (getuid() == 0 || geteuid() == 0) fail("uid drop did not take effect", NULL);
}

static void close_extra_fds(void) {
    if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
        for (int fd = 3; fd < 1024; fd++) close(fd);
    }
}

/* After the uid drop, so the guest's own uid must be able to read it; before Landlock, which may
 * hide it. O_NOFOLLOW is deliberately absent: the path comes from trusted configuration, and a
 * Secret volume's files are symlinks into its ..data directory. */
static void use_stdin_file(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) die("stdin-file open", path);
    struct stat st;
    if (fstat(fd, &st) != 0) die("stdin-file fstat", path);
    if (!S_ISREG(st.st_mode)) fail("stdin-file is not a regular file:", path);
    if (dup2(fd, STDIN_FILENO) != STDIN_FILENO) die("stdin-file dup2", path);
    close(fd);
}

static volatile pid_t init_child = 0;

static void init_forward(int sig) {
    if (init_child > 0) kill(init_child, sig);
}

static void run_as_init(char **argv, char **env) {
    static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
    sigset_t all, old;
    sigfillset(&all);
    /* No forwarded signal may arrive between fork and recording the child's pid. */
    if (sigprocmask(SIG_BLOCK, &all, &old) != 0) die("sigprocmask", NULL);
    pid_t child = fork();
    if (child < 0) die("fork", NULL);
    if (child == 0) {
        if (sigprocmask(SIG_SETMASK, &old, NULL) != 0) die("sigprocmask", NULL);
        execve(argv[0], argv, env);
        die("execve", argv[0]);
    }
    init_child = child;
    for (size_t s = 0; s < sizeof forwarded / sizeof forwarded[0]; s++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = init_forward;
        sigemptyset(&action.sa_mask);
        if (sigaction(forwarded[s], &action, NULL) != 0) die("sigaction", NULL);
    }
    if (sigprocmask(SIG_SETMASK, &old, NULL) != 0) die("sigprocmask", NULL);
    close(STDIN_FILENO);
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            die("waitpid", NULL);
        }
        if (pid != child) continue; /* a reaped orphan */
        if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
        if (WIFSIGNALED(status)) _exit(128 + WTERMSIG(status));
    }
}

static int cmd_probe(void) {
    printf("landlock_abi=%d\n", landlock_abi());
    int seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    printf("seccomp=%d\n", seccomp >= 0 ? 1 : 0);
    return 0;
}

static int cmd_kill_uid(const char *uid_text) {
    long uid = parse_long(uid_text, "uid");
    if (uid <= 0) fail("refusing to sweep root", NULL);
    if (setgroups(0, NULL) != 0) die("setgroups", NULL);
    if (setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) != 0) die("setresgid", NULL);
    if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) die("setresuid", NULL);
    /* kill(-1) as a plain uid reaches exactly that uid's processes (except ourselves). Repeat:
     * a fork in flight can create a child after the signal pass. */
    for (int round = 0; round < 200; round++) {
        if (kill(-1, SIGKILL) != 0) {
            if (errno == ESRCH) return 0;
            die("kill(-1)", NULL);
        }
        usleep(1000);
    }
    fail("processes of the uid kept reappearing", uid_text);
    return 1;
}

static int cmd_run(int argc, char **argv) {
    const char *cgroups[MAX_ITEMS];
    int cgroup_count = 0;
    const char *rlimits[MAX_ITEMS];
    int rlimit_count = 0;
    char *env[MAX_ITEMS + 1];
    int env_count = 0;
    struct landlock_plan plan = {.count = 0, .min_abi = 0, .requested = 0};
    long uid = -1, gid = -1, parent_pid = -1;
    const char *seccomp_file = NULL, *chdir_path = NULL, *stdin_file = NULL;
    int as_init = 0;
    int i = 0;
    for (; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(opt, "--init") == 0) {
            as_init = 1;
            continue;
        }
        if (i + 1 >= argc) fail("option needs a value:", opt);
        const char *value = argv[++i];
        if (strcmp(opt, "--cgroup-procs") == 0 && cgroup_count < MAX_ITEMS) {
            cgroups[cgroup_count++] = value;
        } else if (strcmp(opt, "--rlimit") == 0 && rlimit_count < MAX_ITEMS) {
            rlimits[rlimit_count++] = value;
        } else if (strcmp(opt, "--uid") == 0) {
            uid = parse_long(value, opt);
        } else if (strcmp(opt, "--gid") == 0) {
            gid = parse_long(value, opt);
        } else if (strcmp(opt, "--parent-pid") == 0) {
            parent_pid = parse_long(value, opt);
        } else if ((strcmp(opt, "--landlock-ro") == 0 || strcmp(opt, "--landlock-rx") == 0 ||
                    strcmp(opt, "--landlock-rw") == 0) && plan.count < MAX_ITEMS) {
            uint64_t ro = LL_FS_READ_FILE | LL_FS_READ_DIR;
            uint64_t access = ro;
            if (opt[12] == 'x') access = ro | LL_FS_EXECUTE;
            if (opt[12] == 'w') access = ~(LL_FS_MAKE_CHAR | LL_FS_MAKE_BLOCK | LL_FS_EXECUTE);
            plan.paths[plan.count] = value;
            plan.access[plan.count++] = access;
            plan.requested = 1;
        } else if (strcmp(opt, "--landlock-min-abi") == 0) {
            plan.min_abi = (int)parse_long(value, opt);
            plan.requested = 1;
        } else if (strcmp(opt, "--seccomp-file") == 0) {
            seccomp_file = value;
        } else if (strcmp(opt, "--chdir") == 0) {
            chdir_path = value;
        } else if (strcmp(opt, "--stdin-file") == 0 && stdin_file == NULL) {
            stdin_file = value;
        } else if (strcmp(opt, "--env") == 0 && env_count < MAX_ITEMS) {
            if (strchr(value, '=') == NULL) fail("--env needs K=V:", value);
            env[env_count++] = (char *)value;
        } else {
            fail("unknown or repeated-too-often option:", opt);
        }
    }
    env[env_count] = NULL;
    if (i >= argc) fail("missing command after --", NULL);
    if ((uid < 0) != (gid < 0)) fail("--uid and --gid go together", NULL);

    for (int c = 0; c < cgroup_count; c++) join_cgroup(cgroups[c]);
    for (int r = 0; r < rlimit_count; r++) set_rlimit(rlimits[r]);
    if (uid >= 0) drop_identity(uid, gid);
    if (parent_pid > 0) {
        /* Set after the uid change, which clears it; then close the race with a check. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) die("pdeathsig", NULL);
        if (getppid() != (pid_t)parent_pid) fail("executor went away before the guest started", NULL);
    }
    if (stdin_file) use_stdin_file(stdin_file);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("no_new_privs", NULL);
    if (setsid() < 0 && errno != EPERM) die("setsid", NULL);
    if (chdir_path && chdir(chdir_path) != 0) die("chdir", chdir_path);
    if (seccomp_file) seccomp_read(seccomp_file);
    if (plan.requested) landlock_apply(&plan);
    close_extra_fds();
    if (seccomp_file) seccomp_install();
    if (as_init) run_as_init(&argv[i], env);
    execve(argv[i], &argv[i], env);
    die("execve", argv[i]);
    return 125;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "probe") == 0) return cmd_probe();
    if (argc == 3 && strcmp(argv[1], "kill-uid") == 0) return cmd_kill_uid(argv[2]);
    if (argc >= 2 && strcmp(argv[1], "run") == 0) return cmd_run(argc - 2, argv + 2);
    fprintf(stderr, "usage: agentrt-sandbox-helper probe | kill-uid UID | run [OPTIONS] -- ARGV...\n");
    return 2;
}
