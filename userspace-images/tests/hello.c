/* hello: one line through stdio's printf. */
#include <stdio.h>

int main(void) {
    printf("Hello from emu guest!\n");
    return 0;
}
