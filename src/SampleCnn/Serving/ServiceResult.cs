using SampleCnn.Tagging;

namespace SampleCnn.Serving;

/// <summary>One request's answer from <see cref="TagService"/>: the file's tags when <see cref="Status"/> is Done, else null.</summary>
/// <param name="Tags">The tags, each clip score the mean of the segments' as `tag` gives it; with <see cref="FileTags.Embedding"/> (`embed`'s default vector) when <see cref="TagService.CannotEmbed"/> is null.</param>
public sealed record ServiceResult(ServiceStatus Status, FileTags? Tags = null);
