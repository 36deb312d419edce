namespace SampleCnn.Audio.Decoding;

/// <summary>Containers we recognise from a file's first bytes.</summary>
internal enum AudioFormat { Unknown, Wav, Mp3, OggVorbis, OggOther, Flac, Mp4, Aiff }
