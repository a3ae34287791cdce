/* nullderef: a line, flushed, then a store through NULL (SIGSEGV, status 139). */
#include <stdio.h>

int main(void) {
    printf("about to dereference NULL\n");
    fflush(stdout);
    *(volatile int *)0 = 42;
    printf("still alive?\n");
    return 0;
}
