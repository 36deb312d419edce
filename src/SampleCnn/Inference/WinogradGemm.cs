using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SampleCnn.Inference;

/// <summary>
/// The products of the Winograd layers: C[rows x n] = A[rows x k] B[k x n], A and C row-major, B packed in panels of 64
/// columns (<see cref="Packed"/>: each panel's k rows of 64 contiguous, so a panel streams from cache in order), computed
/// in register blocks of 6 rows x 64 columns. The block's 24 accumulators of 16 floats, with the 4 loads of B's row and one broadcast of
/// A, use 29 of AVX-512's 32 registers, so each part of B loaded from cache serves 6 FMAs and each broadcast of A
/// serves 4: the loads stay well below the one FMA per cycle that the FMA unit can take.
/// </summary>
internal static unsafe class WinogradGemm
{
    /// <summary>Rows and columns of one register block: rows must be a multiple of <see cref="Rows"/>, n of <see cref="Columns"/>.</summary>
    public const int Rows = 6, Columns = 64;

    /// <summary>C = A B. Panels of B outside, rows inside, so one panel (k x 64) serves every row block from L1/L2.</summary>
    /// <typeparam name="L">The register width: its block (the test is a constant to the JIT, so each width's copy keeps one branch).</typeparam>
    public static void Multiply<L>(float* a, int lda, float* packed, float* c, int ldc, int rows, int k, int n) where L : struct, ILanes<L>
    {
        for (int j = 0; j < n; j += Columns, packed += (long)k * Columns)
            for (int i = 0; i < rows; i += Rows)
                if (typeof(L) == typeof(Lanes512)) Block(a + (long)i * lda, lda, packed, Columns, c + (long)i * ldc + j, ldc, k);
                else
                    for (int q = 0; q < Columns; q += NarrowColumns)
                        NarrowBlock(a + (long)i * lda, lda, packed + q, Columns, c + (long)i * ldc + j + q, ldc, k);
    }

    /// <summary>Columns of the 256-bit block.</summary>
    const int NarrowColumns = 16;

    /// <summary>Where B[row, column] of a k x n matrix goes in its packed form: panel by panel of 64 columns.</summary>
    public static long Packed(int row, int column, int k) => ((long)(column / Columns) * k + row) * Columns + column % Columns;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Block(float* a, int lda, float* b, int ldb, float* c, int ldc, int k)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var b3 = Vector512.Load(b + 48);
            var x = Vector512.Create(a[p]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, b2, c02); c03 = Vector512.FusedMultiplyAdd(x, b3, c03);
            x = Vector512.Create(a1[p]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, b2, c12); c13 = Vector512.FusedMultiplyAdd(x, b3, c13);
            x = Vector512.Create(a2[p]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, b2, c22); c23 = Vector512.FusedMultiplyAdd(x, b3, c23);
            x = Vector512.Create(a3[p]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, b2, c32); c33 = Vector512.FusedMultiplyAdd(x, b3, c33);
            x = Vector512.Create(a4[p]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            c42 = Vector512.FusedMultiplyAdd(x, b2, c42); c43 = Vector512.FusedMultiplyAdd(x, b3, c43);
            x = Vector512.Create(a5[p]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            c52 = Vector512.FusedMultiplyAdd(x, b2, c52); c53 = Vector512.FusedMultiplyAdd(x, b3, c53);
        }
        c00.Store(c); c01.Store(c + 16); c02.Store(c + 32); c03.Store(c + 48); c += ldc;
        c10.Store(c); c11.Store(c + 16); c12.Store(c + 32); c13.Store(c + 48); c += ldc;
        c20.Store(c); c21.Store(c + 16); c22.Store(c + 32); c23.Store(c + 48); c += ldc;
        c30.Store(c); c31.Store(c + 16); c32.Store(c + 32); c33.Store(c + 48); c += ldc;
        c40.Store(c); c41.Store(c + 16); c42.Store(c + 32); c43.Store(c + 48); c += ldc;
        c50.Store(c); c51.Store(c + 16); c52.Store(c + 32); c53.Store(c + 48);
    }

    /// <summary>The 6 x 16 block in 256-bit registers (AVX2 + FMA), as <see cref="Block"/> is the 6 x 64 one in 512-bit registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void NarrowBlock(float* a, int lda, float* b, int ldb, float* c, int ldc, int k)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int p = 0; p < k; p++, b += ldb)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[p]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[p]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[p]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[p]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[p]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[p]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }
        c00.Store(c); c01.Store(c + 8); c += ldc;
        c10.Store(c); c11.Store(c + 8); c += ldc;
        c20.Store(c); c21.Store(c + 8); c += ldc;
        c30.Store(c); c31.Store(c + 8); c += ldc;
        c40.Store(c); c41.Store(c + 8); c += ldc;
        c50.Store(c); c51.Store(c + 8);
    }
}
