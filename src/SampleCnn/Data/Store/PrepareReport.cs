using SampleCnn.Data.Sources;

namespace SampleCnn.Data.Store;

/// <summary>What a prepare did: the finished store's manifest, everything it left out, and the damaged files it kept part of.</summary>
public sealed record PrepareReport(StoreManifest Manifest, DatasetListing Listing, IReadOnlyList<SkippedItem> Unreadable, int Resumed,
    IReadOnlyList<SkippedItem> Recovered);
