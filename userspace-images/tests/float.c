/* float: printf of doubles (%f %e %g), sqrt and a small computation.
 * volatile keeps gcc from folding everything at compile time, so the guest's
 * SSE code really runs. */
#include <math.h>
#include <stdio.h>

int main(void) {
    volatile double two = 2.0, third = 1.0 / 3.0, big = 6.02214076e23, tiny = 1.602176634e-19;
    printf("%f %f %f\n", two, third, -third);
    printf("%e %e %e\n", big, tiny, 0.0);
    printf("%g %g %g %g\n", big, tiny, third, 100000.0);
    printf("%.3f %10.4f %-10.2e| %+g\n", third, 3.14159265358979, big, two);
    printf("sqrt(2)=%.15f\n", sqrt(two));

    /* Leibniz series for pi and a harmonic sum: many dependent FP ops. */
    double pi = 0.0, h = 0.0;
    for (volatile int k = 0; k < 1000000; k++) {
        pi += (k % 2 ? -4.0 : 4.0) / (2.0 * k + 1.0);
        h += 1.0 / (k + 1);
    }
    printf("pi~%.10f harmonic=%.10f\n", pi, h);
    float f = 0.1f;
    volatile float acc = 0.0f;
    for (int i = 0; i < 10; i++) acc += f;
    printf("float sum=%.9g exact=%d\n", (double)acc, acc == 1.0f);
    volatile double zero = 0.0;
    printf("inf=%f isnan(sqrt(-2))=%d\n", two / zero, isnan(sqrt(-two)) != 0);
    return 0;
}
