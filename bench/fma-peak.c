// Measures the machine's fp32 FMA peak: every thread runs independent AVX-512 FMA chains (enough of them
// to cover the FMA latency) on registers only; GFLOP/s = 2 x 16 lanes x FMAs / s. Built by bench/setup.sh.
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 200000000L;
    int threads = omp_get_max_threads();
    double start = omp_get_wtime();
    float sink = 0;
#pragma omp parallel reduction(+ : sink)
    {
        __m512 a[12], b = _mm512_set1_ps(1.0000001f), c = _mm512_set1_ps(1e-7f);
        for (int k = 0; k < 12; k++) a[k] = _mm512_set1_ps((float)k);
        for (long i = 0; i < iterations; i++)
            for (int k = 0; k < 12; k++) a[k] = _mm512_fmadd_ps(a[k], b, c);
        for (int k = 0; k < 12; k++) sink += _mm512_reduce_add_ps(a[k]);
    }
    double seconds = omp_get_wtime() - start;
    double flops = 2.0 * 16 * 12 * (double)iterations * threads;
    printf("{\"threads\": %d, \"seconds\": %.3f, \"gflops\": %.1f, \"sink\": %g}\n", threads, seconds, flops / seconds / 1e9, sink);
    return 0;
}
