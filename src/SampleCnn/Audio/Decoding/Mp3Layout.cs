namespace SampleCnn.Audio.Decoding;

/// <summary>
/// What <see cref="Mp3FrameScanner"/>'s walk found. Audio frames start at <see cref="FirstFrame"/> (an Info
/// frame is skipped); of their decoded samples, [<see cref="StartSample"/>, <see cref="EndSample"/>) are the
/// clip. <see cref="Gaps"/> are the damaged stretches skipped between frames; <see cref="End"/> says how the
/// audio ended early (a cut-off frame, junk to the end), if it did; <see cref="IntensityStereoFrames"/>
/// counts frames that switch intensity stereo on, <see cref="SplitBlockFrames"/> stereo frames whose channels use
/// different block types in a granule.
/// </summary>
internal readonly record struct Mp3Layout(Mp3FrameHeader First, long FirstFrame, int Frames, long StartSample, long EndSample,
    IReadOnlyList<Mp3Gap> Gaps, AudioDamage? End, int IntensityStereoFrames, int SplitBlockFrames);
