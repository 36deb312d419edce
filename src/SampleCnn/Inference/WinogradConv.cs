namespace SampleCnn.Inference;

/// <summary>
/// One module of the basic block, BatchNorm folded: Conv1d(kernel 3, "same") + bias + ReLU + MaxPool(3), computed as
/// Winograd F(6,3): each tile of 8 inputs gives 6 outputs (two pooling windows) from 8 products per input and output
/// channel instead of 18, 2.25x fewer multiplications. Activations are channels-last, [time, channels], so the
/// transforms are plain vector arithmetic along the channels; a chunk of tiles is transformed into a cache-sized buffer,
/// multiplied by the pre-transformed weights (8 products [tiles x in] x [in x out], <see cref="WinogradGemm"/>), and
/// transformed back, biased, pooled and rectified straight into the next layer's input: the full-length map before the
/// pool is never written.
/// </summary>
/// <remarks>
/// The transforms are Lavin and Gray's (2016) at the points 0, ±1, ±1/2, ±2 and infinity: Y = Aᵀ[(G g) ⊙ (Bᵀ d)].
/// A layer's input and output are "padded maps": row 0 is zero (the left padding), rows 1..length hold the samples, and
/// zero rows follow up to <see cref="PaddedRows"/>, so every tile reads 8 rows without a bound check.
/// </remarks>
internal sealed unsafe class WinogradConv
{
    /// <summary>Outputs per tile (m of F(m,3)) and inputs per tile (m + 2): the number of products.</summary>
    public const int Outputs = 6, Points = 8;

    readonly float[] weights; // [8] x [in x out] packed (WinogradGemm.Packed): G g for every (in, out) pair
    readonly float[] bias;

    /// <summary>
    /// Tiles transformed at once: their transformed inputs and products (8 x tiles x (in + out) floats, 384 KB) stay in
    /// the core's 1 MB L2 beside a panel of the weights: 48 tiles at 128 -> 128 channels, 12 at 256 -> 512.
    /// </summary>
    public int ChunkTiles { get; }

    public int InChannels { get; }
    public int OutChannels { get; }

    /// <param name="weight">The folded convolution's weight [out][in][3], as libtorch holds it.</param>
    public WinogradConv(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inChannels, int outChannels)
    {
        if (inChannels % 16 != 0 || outChannels % WinogradGemm.Columns != 0)
            throw new ArgumentException($"channels {inChannels} -> {outChannels}: the Winograd layer needs multiples of 16 in and 64 out");
        InChannels = inChannels;
        OutChannels = outChannels;
        ChunkTiles = Math.Max(WinogradGemm.Rows, 12_288 / (inChannels + outChannels) / WinogradGemm.Rows * WinogradGemm.Rows);
        this.bias = bias.ToArray();
        weights = GC.AllocateArray<float>(Points * inChannels * outChannels, pinned: true);
        // G in double, so the transformed weights are the exact transform rounded once.
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < inChannels; i++)
            {
                var g = weight.Slice((o * inChannels + i) * 3, 3);
                for (int p = 0; p < Points; p++)
                    weights[(long)p * inChannels * outChannels + WinogradGemm.Packed(i, o, inChannels)] = (float)(G[p, 0] * g[0] + G[p, 1] * g[1] + G[p, 2] * g[2]);
            }
    }

    static readonly double[,] G =
    {
        { -1, 0, 0 },
        { -2.0 / 9, -2.0 / 9, -2.0 / 9 },
        { -2.0 / 9, 2.0 / 9, -2.0 / 9 },
        { 32.0 / 45, 16.0 / 45, 8.0 / 45 },
        { 32.0 / 45, -16.0 / 45, 8.0 / 45 },
        { 1.0 / 90, 1.0 / 45, 2.0 / 45 },
        { 1.0 / 90, -1.0 / 45, 2.0 / 45 },
        { 0, 0, 1 },
    };

    /// <summary>Rows of the padded map of a layer of this length: the left zero row, then whole tiles, then the right zero row.</summary>
    public static int PaddedRows(int length) => Tiles(length) * Outputs + 2;

    public static int Tiles(int length) => (length + Outputs - 1) / Outputs;

    /// <summary>Floats of the per-thread buffers <see cref="Run"/> needs: the transformed inputs and the products of one chunk.</summary>
    public int TransformedFloats => Points * ChunkTiles * InChannels;
    public int ProductFloats => Points * ChunkTiles * OutChannels;

    /// <summary>
    /// The layer on <paramref name="segments"/> padded maps of <paramref name="length"/> rows (a multiple of 3),
    /// <paramref name="stride"/> floats apart, written as as many padded maps of length / 3 rows in
    /// <paramref name="output"/>, as far apart (their zero rows too). Several segments at once share each load of the
    /// weights: the short layers near the head run so.
    /// </summary>
    /// <param name="transformed">At least <see cref="TransformedFloats"/> floats; <paramref name="products"/>: <see cref="ProductFloats"/>.</param>
    public void Run<L>(float* input, int length, int segments, long stride, float* output, float* transformed, float* products) where L : struct, ILanes<L>
    {
        int tiles = Tiles(length) * segments;
        for (int first = 0; first < tiles; first += ChunkTiles)
            Chunk<L>(input, length, stride, first, Math.Min(ChunkTiles, tiles - first), output, transformed, products);
        ClearPadding(output, length, segments, stride);
    }

    /// <summary>
    /// <see cref="Run"/>'s work on tiles [first, first + count) of the segments (count at most <see cref="ChunkTiles"/>):
    /// transformed, multiplied, transformed back into the output. The output's zero rows are left to <see cref="ClearPadding"/>.
    /// </summary>
    public void Chunk<L>(float* input, int length, long stride, int first, int count, float* output, float* transformed, float* products) where L : struct, ILanes<L>
    {
        // Rows past the chunk's tiles hold an earlier chunk's (finite) values: their products are not read.
        int rows = (count + WinogradGemm.Rows - 1) / WinogradGemm.Rows * WinogradGemm.Rows;
        TransformInputs<L>(input, length, stride, first, count, transformed);
        fixed (float* u = weights)
        fixed (float* b = bias)
        {
            for (int p = 0; p < Points; p++)
                WinogradGemm.Multiply<L>(transformed + (long)p * ChunkTiles * InChannels, InChannels, u + (long)p * InChannels * OutChannels,
                    products + (long)p * ChunkTiles * OutChannels, OutChannels, rows, InChannels, OutChannels);
            TransformOutputs<L>(products, b, length, stride, first, count, output);
        }
    }

    /// <summary>The zero rows of the output maps of this layer on <paramref name="segments"/> inputs of <paramref name="length"/> rows.</summary>
    public void ClearPadding(float* output, int length, int segments, long stride)
    {
        int pooled = length / 3, map = PaddedRows(pooled) * OutChannels;
        for (int s = 0; s < segments; s++)
        {
            new Span<float>(output + s * stride, OutChannels).Clear();
            new Span<float>(output + s * stride + (pooled + 1) * OutChannels, map - (pooled + 1) * OutChannels).Clear();
        }
    }

    /// <summary>Bᵀ d for each tile of the chunk and each vector of input channels: a segment's tile t reads its padded rows 6t .. 6t + 7.</summary>
    void TransformInputs<L>(float* input, int length, long map, int first, int count, float* transformed) where L : struct, ILanes<L>
    {
        int c = InChannels, perSegment = Tiles(length);
        long plane = (long)ChunkTiles * c;
        for (int t = 0; t < count; t++)
        {
            var (segment, tile) = Math.DivRem(first + t, perSegment);
            float* d = input + segment * map + (long)tile * Outputs * c;
            float* v = transformed + (long)t * c;
            for (int i = 0; i < c; i += L.Count, d += L.Count, v += L.Count)
            {
                var d0 = L.Load(d); var d1 = L.Load(d + c); var d2 = L.Load(d + 2 * c); var d3 = L.Load(d + 3 * c);
                var d4 = L.Load(d + 4 * c); var d5 = L.Load(d + 5 * c); var d6 = L.Load(d + 6 * c); var d7 = L.Load(d + 7 * c);
                (d6 - d0 + L.Create(5.25f) * (d2 - d4)).Store(v);
                var even = d2 + d6 - L.Create(4.25f) * d4;
                var odd = d1 + d5 - L.Create(4.25f) * d3;
                (even + odd).Store(v + plane);
                (even - odd).Store(v + 2 * plane);
                even = L.Create(4f) * d2 - L.Create(5f) * d4 + d6;
                odd = L.Create(2f) * d1 - L.Create(2.5f) * d3 + L.Create(0.5f) * d5;
                (even + odd).Store(v + 3 * plane);
                (even - odd).Store(v + 4 * plane);
                even = L.Create(0.25f) * d2 - L.Create(1.25f) * d4 + d6;
                odd = L.Create(0.5f) * d1 - L.Create(2.5f) * d3 + L.Create(2f) * d5;
                (even + odd).Store(v + 5 * plane);
                (even - odd).Store(v + 6 * plane);
                (d7 - d1 + L.Create(5.25f) * (d3 - d5)).Store(v + 7 * plane);
            }
        }
    }

    /// <summary>
    /// Aᵀ m for each tile, then the two pooling windows' maxima, the bias (after the max: the same for every position)
    /// and the ReLU (it commutes with the max), written to padded rows 1 + 2t and 2 + 2t of the output.
    /// </summary>
    void TransformOutputs<L>(float* products, float* bias, int length, long map, int first, int count, float* output) where L : struct, ILanes<L>
    {
        int c = OutChannels, perSegment = Tiles(length), pooled = length / 3;
        long plane = (long)ChunkTiles * c;
        for (int t = 0; t < count; t++)
        {
            var (segment, tile) = Math.DivRem(first + t, perSegment);
            int window = 2 * tile;
            bool second = window + 1 < pooled;
            float* m = products + (long)t * c;
            float* y = output + segment * map + (long)(window + 1) * c;
            for (int i = 0; i < c; i += L.Count, m += L.Count, y += L.Count)
            {
                var m0 = L.Load(m); var m1 = L.Load(m + plane); var m2 = L.Load(m + 2 * plane); var m3 = L.Load(m + 3 * plane);
                var m4 = L.Load(m + 4 * plane); var m5 = L.Load(m + 5 * plane); var m6 = L.Load(m + 6 * plane); var m7 = L.Load(m + 7 * plane);
                L s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4, s56 = m5 + m6, d56 = m5 - m6;
                var y0 = m0 + s12 + s34 + s56;
                var y1 = d12 + L.Create(0.5f) * d34 + L.Create(2f) * d56;
                var y2 = s12 + L.Create(0.25f) * s34 + L.Create(4f) * s56;
                var b = L.Load(bias + i);
                L.Max(L.Max(L.Max(y0, y1), y2) + b, L.Zero).Store(y);
                if (!second) continue;
                var y3 = d12 + L.Create(0.125f) * d34 + L.Create(8f) * d56;
                var y4 = s12 + L.Create(0.0625f) * s34 + L.Create(16f) * s56;
                var y5 = d12 + L.Create(0.03125f) * d34 + L.Create(32f) * d56 + m7;
                L.Max(L.Max(L.Max(y3, y4), y5) + b, L.Zero).Store(y + c);
            }
        }
    }
}
