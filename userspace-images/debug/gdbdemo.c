/* gdbdemo: the program docs/debugging.md debugs with gdb (built -g -O0, static glibc).
 * A global the walkthrough watches, a local it prints, one write(2) it catches. */
#include <string.h>
#include <unistd.h>

int counter = 0;

static int square(int x)
{
    return x * x;
}

int main(void)
{
    int local = 6 * 7;
    for (int i = 1; i <= 3; i++) {
        counter += square(i);
    }
    const char msg[] = "gdbdemo: counter is 14\n";
    write(1, msg, strlen(msg));
    return counter == 14 ? local - 42 : 1;
}
