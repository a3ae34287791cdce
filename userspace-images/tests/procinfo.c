/* What a process expects to learn about itself: getrusage/times/CPU clocks (relations only:
 * CPU time is virtual under emu), wait4's rusage, sysinfo against /proc/meminfo and uptime,
 * nice values, scheduling policies and parameters, affinity, and credentials: the setuid family
 * with the capability changes Linux makes, groups, capget/capset, /proc/self/status. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;
static void burn(long n) {
    for (long i = 0; i < n; i++) sink += i;
}

static long tv_us(struct timeval tv) { return tv.tv_sec * 1000000L + tv.tv_usec; }
static long ts_ns(struct timespec ts) { return ts.tv_sec * 1000000000L + ts.tv_nsec; }

struct cap_header { unsigned version; int pid; };
struct cap_data { unsigned effective, permitted, inheritable; };

static int has_cap(int cap) {
    struct cap_header h = {0x20080522, 0};
    struct cap_data d[2];
    syscall(SYS_capget, &h, d);
    return (d[cap / 32].effective >> (cap % 32)) & 1;
}

static void status_line(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, strlen(key)) == 0) printf("  %s", line);
    }
    if (f) fclose(f);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int r;

    /* CPU time. */
    struct timespec c1, c2, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    burn(3000000);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    printf("process CPU time increased: %s; thread CPU time <= process's: %s\n",
           ts_ns(c2) > ts_ns(c1) ? "yes" : "no", ts_ns(t1) <= ts_ns(c2) + 1000000 ? "yes" : "no");
    struct timespec res;
    clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res);
    printf("CPU clock resolution: %ld ns\n", res.tv_nsec);
    struct rusage ru, ru2;
    getrusage(RUSAGE_SELF, &ru);
    /* Linux samples CPU time per tick: burn 50 ms of it so the sum surely moves. */
    struct timespec b0, b1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b0);
    do {
        burn(100000);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b1);
    } while (ts_ns(b1) - ts_ns(b0) < 50000000L);
    getrusage(RUSAGE_SELF, &ru2);
    printf("getrusage(SELF): utime+stime increased %s, stime >= 0 %s, maxrss > 0 %s\n",
           tv_us(ru2.ru_utime) + tv_us(ru2.ru_stime) > tv_us(ru.ru_utime) + tv_us(ru.ru_stime) ? "yes" : "no",
           tv_us(ru2.ru_stime) >= 0 ? "yes" : "no", ru2.ru_maxrss > 0 ? "yes" : "no");
    r = getrusage(RUSAGE_THREAD, &ru);
    int r5 = getrusage(5, &ru);
    printf("getrusage(THREAD): %d; getrusage(5): %d %s\n", r, r5, strerror(errno));
    getrusage(RUSAGE_CHILDREN, &ru);
    long children_before = tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
    pid_t c = fork();
    if (c == 0) {
        burn(20000000);
        _exit(0);
    }
    int status;
    struct rusage cru;
    wait4(c, &status, 0, &cru);
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("wait4 rusage of a busy child > 0: %s; RUSAGE_CHILDREN grew: %s\n",
           tv_us(cru.ru_utime) + tv_us(cru.ru_stime) > 0 ? "yes" : "no",
           tv_us(ru.ru_utime) + tv_us(ru.ru_stime) > children_before ? "yes" : "no");
    struct tms tm;
    clock_t now = times(&tm);
    struct tms tm2;
    burn(20000000);
    clock_t later = times(&tm2);
    printf("times: the clock advances %s, own CPU ticks do not go back %s\n", later >= now ? "yes" : "no",
           tm2.tms_utime + tm2.tms_stime >= tm.tms_utime + tm.tms_stime ? "yes" : "no");

    /* sysinfo agrees with /proc. */
    struct sysinfo si;
    r = sysinfo(&si);
    FILE *f = fopen("/proc/meminfo", "r");
    long memtotal = 0;
    if (f) {
        fscanf(f, "MemTotal: %ld kB", &memtotal);
        fclose(f);
    }
    double up = 0;
    f = fopen("/proc/uptime", "r");
    if (f) {
        fscanf(f, "%lf", &up);
        fclose(f);
    }
    printf("sysinfo: %d, totalram matches MemTotal %s, freeram <= totalram %s, uptime matches /proc/uptime %s, procs > 0 %s\n", r,
           (long)(si.totalram * si.mem_unit / 1024) == memtotal ? "yes" : "no", si.freeram <= si.totalram ? "yes" : "no",
           (long)si.uptime >= (long)up - 1 && (long)si.uptime <= (long)up + 1 ? "yes" : "no", si.procs > 0 ? "yes" : "no");

    /* Priorities. */
    errno = 0;
    int prio = getpriority(PRIO_PROCESS, 0);
    printf("getpriority: %d (errno %d)\n", prio, errno);
    r = setpriority(PRIO_PROCESS, 0, 5);
    printf("setpriority 5: %d, reads %d\n", r, getpriority(PRIO_PROCESS, 0));
    r = setpriority(PRIO_PROCESS, 0, 100);
    printf("setpriority 100 clamps: %d, reads %d\n", r, getpriority(PRIO_PROCESS, 0));
    r = nice(-3);
    printf("nice(-3): %d\n", r);
    setpriority(PRIO_PROCESS, 0, 0);
    r = setpriority(7, 0, 0);
    printf("setpriority(which 7): %d %s\n", r, strerror(errno));
    r = getpriority(PRIO_PROCESS, 999999);
    printf("getpriority(no process): %d %s\n", r, strerror(errno));

    /* Scheduling. */
    int pol = sched_getscheduler(0);
    int p9 = sched_get_priority_max(9);
    int e9 = errno;
    printf("policy %d; FIFO max %d min %d; OTHER max %d min %d; policy 9: %d %s\n", pol,
           sched_get_priority_max(SCHED_FIFO), sched_get_priority_min(SCHED_FIFO),
           sched_get_priority_max(SCHED_OTHER), sched_get_priority_min(SCHED_OTHER), p9, strerror(e9));
    struct sched_param sp = {0};
    r = sched_getparam(0, &sp);
    printf("sched_getparam: %d priority %d\n", r, sp.sched_priority);
    sp.sched_priority = 5;
    r = sched_setscheduler(0, SCHED_OTHER, &sp);
    printf("SCHED_OTHER with priority 5: %d %s\n", r, strerror(errno));
    sp.sched_priority = 0;
    r = sched_setscheduler(0, SCHED_BATCH, &sp);
    printf("SCHED_BATCH: %d, now %d\n", r, sched_getscheduler(0));
    sched_setscheduler(0, SCHED_OTHER, &sp);
    struct timespec rr;
    r = sched_rr_get_interval(0, &rr);
    printf("sched_rr_get_interval: %d, >= 0 %s\n", r, ts_ns(rr) >= 0 ? "yes" : "no");
    r = sched_getscheduler(999999);
    printf("sched_getscheduler(no process): %d %s\n", r, strerror(errno));
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    r = sched_setaffinity(0, sizeof set, &set);
    printf("sched_setaffinity(CPU 0): %d\n", r);
    CPU_ZERO(&set);
    r = sched_setaffinity(0, sizeof set, &set);
    printf("sched_setaffinity(empty): %d %s\n", r, strerror(errno));

    /* Credentials, in children so the parent stays root. */
    uid_t ru_, eu, su;
    getresuid(&ru_, &eu, &su);
    printf("root: uid %u euid %u suid %u, CAP_SETUID %d, CAP_KILL %d\n", ru_, eu, su, has_cap(7), has_cap(5));
    c = fork();
    if (c == 0) {
        gid_t gs[3] = {50, 40, 60}, out[8];
        r = setgroups(3, gs);
        int n = getgroups(8, out);
        printf("child: setgroups %d, getgroups %d: %u %u %u; getgroups(0) %d; getgroups(1): %d %s\n", r, n, out[0], out[1],
               out[2], getgroups(0, NULL), getgroups(1, out), strerror(errno));
        r = setresgid(10, 11, 12);
        gid_t rg, eg, sg;
        getresgid(&rg, &eg, &sg);
        printf("child: setresgid %d -> %u %u %u, getgid %u getegid %u\n", r, rg, eg, sg, getgid(), getegid());
        r = seteuid(1000);
        getresuid(&ru_, &eu, &su);
        printf("child: seteuid(1000) %d -> %u %u %u, CAP_SETUID now %d\n", r, ru_, eu, su, has_cap(7));
        r = seteuid(0);
        printf("child: seteuid(0) back (saved uid 0): %d, CAP_SETUID %d\n", r, has_cap(7));
        r = setresuid(100, 101, 102);
        getresuid(&ru_, &eu, &su);
        printf("child: setresuid %d -> %u %u %u, getuid %u geteuid %u, CAP_SETUID %d\n", r, ru_, eu, su, getuid(), geteuid(), has_cap(7));
        status_line("Uid:");
        status_line("Gid:");
        status_line("Groups:");
        status_line("CapEff:");
        r = setuid(0);
        printf("child: setuid(0) unprivileged: %d %s\n", r, strerror(errno));
        r = setuid(102);
        printf("child: setuid(saved id 102): %d, euid %u uid %u\n", r, geteuid(), getuid());
        r = setresuid(-1, 100, -1);
        printf("child: setresuid(-1, 100, -1): %d\n", r);
        r = setresuid(-1, 5, -1);
        printf("child: setresuid to an id it does not hold: %d %s\n", r, strerror(errno));
        r = setgroups(0, NULL);
        printf("child: setgroups unprivileged: %d %s\n", r, strerror(errno));
        r = setreuid(102, -1);
        printf("child: setreuid(102, -1): %d\n", r);
        _exit(0);
    }
    waitpid(c, &status, 0);
    r = setuid(-1);
    printf("setuid(-1): %d %s\n", r, strerror(errno));

    /* capget and capset. */
    struct cap_header h = {0x12345678, 0};
    struct cap_data d[2];
    long lr = syscall(SYS_capget, &h, d);
    printf("capget bad version: %ld %s, version written 0x%x\n", lr, strerror(errno), h.version);
    h.version = 0x20080522;
    h.pid = 999999;
    lr = syscall(SYS_capget, &h, d);
    printf("capget(no process): %ld %s\n", lr, strerror(errno));
    c = fork();
    if (c == 0) {
        struct cap_header hh = {0x20080522, 0};
        struct cap_data dd[2];
        syscall(SYS_capget, &hh, dd);
        dd[0].effective &= ~(1u << 7);
        long x = syscall(SYS_capset, &hh, dd);
        int s5 = setuid(5);
        printf("child: capset dropping CAP_SETUID from the effective set: %ld, setuid(5): %d %s\n", x, s5, strerror(errno));
        dd[0].effective |= 1u << 7;
        x = syscall(SYS_capset, &hh, dd);
        printf("child: raising it again (still permitted): %ld\n", x);
        dd[0].permitted &= ~(1u << 7);
        dd[0].effective &= ~(1u << 7);
        syscall(SYS_capset, &hh, dd);
        dd[0].permitted |= 1u << 7;
        x = syscall(SYS_capset, &hh, dd);
        printf("child: regaining a dropped permitted capability: %ld %s\n", x, strerror(errno));
        _exit(0);
    }
    waitpid(c, &status, 0);
    return 0;
}
