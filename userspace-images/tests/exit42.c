/* exit42: a buffered line (flushed by exit()) then status 42. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("exiting with 42\n");
    exit(42);
}
