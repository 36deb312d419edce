namespace SampleCnn.Tagging;

/// <summary>How tagging runs.</summary>
/// <param name="SegmentsPerFile">Segments per file from its start (the paper's 10), or null for all of them.</param>
/// <param name="BatchSize">Segments per forward pass, gathered across files.</param>
/// <param name="BFloat16">Run the network in bfloat16 (faster on CPUs with AVX-512 BF16; scores differ by ~1e-2).</param>
/// <param name="Engine">What runs a SampleCnn network: libtorch, ONNX Runtime (fp32, or int8 with <paramref name="Int8Store"/>) or our Winograd engine (fp32, basic m = 3 models).</param>
/// <param name="DecodeThreads">
/// Files decoded at once; null: with ONNX Runtime or the Winograd engine one per core (the network waits for them at the start
/// and between batches, and its threads, ORT's not spinning, the Winograd engine's taking segments as they come free, give the
/// cores up while it runs; Winograd: 2 decoders 5% faster end to end than 1 in 3 of 3 rounds, quiet, 2026-11-26); with libtorch one, plus one per core its threads leave
/// free (its OpenMP threads wait for each other, so a decoder taking their core slows every layer; bench/RESULTS.md, 2026-11-26).
/// </param>
/// <param name="Embedding">Also each file's embedding (<see cref="FileTags.Embedding"/>), from the same pass.</param>
/// <param name="Int8Store">
/// With the ONNX Runtime engine: run its static int8 graph (several times faster; scores differ slightly), calibrated
/// on this store's training split (<c>export --onnx --int8</c> writes the same graph); null: fp32.
/// </param>
public sealed record TaggerOptions(int? SegmentsPerFile = null, int BatchSize = TaggerOptions.DefaultBatchSize, bool BFloat16 = false,
    TaggerEngine Engine = TaggerEngine.Torch, int? DecodeThreads = null, bool Embedding = false, string? Int8Store = null)
{
    public const int DefaultBatchSize = 32;

    public int EffectiveDecodeThreads => DecodeThreads ?? (Engine != TaggerEngine.Torch
        ? Environment.ProcessorCount
        : Math.Max(1, Environment.ProcessorCount - TorchSharp.torch.get_num_threads() + 1));
}
