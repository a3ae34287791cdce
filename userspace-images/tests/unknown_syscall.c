/* unknown_syscall: syscall 400 lies in x86_64's unused gap (335..423), so
 * Linux returns -ENOSYS; emu must do the same (and log the number). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

#define UNDEFINED_SYSCALL 400

static const char *errno_name(int e) {
    switch (e) {
    case 0: return "0";
    case ENOSYS: return "ENOSYS";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case EFAULT: return "EFAULT";
    default: return "other";
    }
}

int main(void) {
    errno = 0;
    long r = syscall(UNDEFINED_SYSCALL, 1, 2, 3, 4, 5, 6);
    int e = errno;
    printf("syscall(%d) = %ld errno=%s (%d)\n", UNDEFINED_SYSCALL, r, errno_name(e), e);
    return r == -1 && e == ENOSYS ? 0 : 1;
}
