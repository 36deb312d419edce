using System.Text.Json;
using SampleCnn.Models;
using SampleCnn.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace SampleCnn.Runs;

/// <summary>
/// A checkpoint file: the training state as JSON, then the model's and the optimizer's TorchSharp state.
/// Replaced atomically (<see cref="AtomicFile"/>), so a kill at any instant leaves the previous checkpoint
/// or the new one, never a torn file.
/// </summary>
internal static class Checkpoint
{
    const string Magic = "samplecnn-checkpoint-1";

    public static void Save(string path, TrainingState state, TaggingCnn model, TorchSharp.Modules.SGD optimizer) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(JsonSerializer.Serialize(state, JsonSettings.Indented));
            model.save(writer);
            optimizer.save_state_dict(writer);
        });

    /// <summary>Reads the state only.</summary>
    public static TrainingState ReadState(string path)
    {
        using var reader = Open(path);
        return ReadState(reader, path);
    }

    /// <summary>Loads weights (and the optimizer's state, when given) into existing objects; returns the state.</summary>
    public static TrainingState Load(string path, TaggingCnn model, TorchSharp.Modules.SGD? optimizer = null)
    {
        using var reader = Open(path);
        var state = ReadState(reader, path);
        model.load(reader);
        optimizer?.load_state_dict(reader);
        return state;
    }

    /// <summary>A model built from a checkpoint's spec and tags, with its weights, in eval mode.</summary>
    public static (TaggingCnn Model, TrainingState State) LoadModel(string path, Device? device = null)
    {
        var state = ReadState(path);
        var model = new TaggingCnn(ModelSpec.Parse(state.Model), state.Tags.Length, state.Dropout, state.BatchNorm);
        Load(path, model);
        model.to(device ?? CPU).eval();
        return (model, state);
    }

    static BinaryReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found", path);
        return new BinaryReader(File.OpenRead(path));
    }

    static TrainingState ReadState(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException();
            return JsonSerializer.Deserialize<TrainingState>(reader.ReadString(), JsonSettings.Indented) ?? throw new InvalidDataException();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or IOException)
        {
            throw new InvalidDataException($"{path}: not a SampleCnn checkpoint");
        }
    }
}
