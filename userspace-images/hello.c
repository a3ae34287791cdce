/* The first image: one line through minilib's write(2). */
#include "minilib.h"

int main(int argc, char **argv, char **envp) {
    (void)argc, (void)argv, (void)envp;
    static const char msg[] = "Hello from emu guest!\n";
    write(1, msg, sizeof msg - 1);
    return 0;
}
