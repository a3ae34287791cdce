/* args: argc, argv, the environment, then selected auxv entries (getauxval).
 * Prints only values that are the same on every run of the same command line
 * (no addresses: AT_RANDOM/AT_PHDR/AT_ENTRY are reported as set or not). */
#include <stdio.h>
#include <sys/auxv.h>

extern char **environ;

static void print_str(const char *name, unsigned long type) {
    const char *s = (const char *)getauxval(type);
    printf("%s=%s\n", name, s ? s : "(unset)");
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    for (char **e = environ; *e; e++) printf("env=%s\n", *e);
    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_CLKTCK=%lu\n", getauxval(AT_CLKTCK));
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    printf("AT_UID=%lu\n", getauxval(AT_UID));
    printf("AT_EGID=%lu\n", getauxval(AT_EGID));
    printf("AT_RANDOM set=%d\n", getauxval(AT_RANDOM) != 0);
    printf("AT_PHDR set=%d\n", getauxval(AT_PHDR) != 0);
    printf("AT_ENTRY set=%d\n", getauxval(AT_ENTRY) != 0);
    print_str("AT_EXECFN", AT_EXECFN);
    print_str("AT_PLATFORM", AT_PLATFORM);
    return 0;
}
