using System.ComponentModel;
using SampleCnn.Inference;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("--pytorch <FILE>")] [Description("Write the weights as a PyTorch state_dict (.pth).")]
        public string? PyTorch { get; init; }

        [CommandOption("--onnx <FILE>")] [Description("Write the network as ONNX (opset 17; input waveform [batch, 1, samples], outputs scores [batch, tags] and embedding [batch, 512], the vector the dense output layer reads).")]
        public string? Onnx { get; init; }

        [CommandOption("--int8")] [Description("With --onnx: convolutions in 8 bits (static quantization; several times faster in ONNX Runtime, scores differ slightly). Needs --calibrate.")]
        public bool Int8 { get; init; }

        [CommandOption("--calibrate <STORE>")] [Description("With --int8: the store whose training split sets the 8-bit ranges (its first 256 segments).")]
        public string? Calibrate { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model is required")
            : PyTorch is null && Onnx is null ? ValidationResult.Error("give --pytorch FILE, --onnx FILE or both")
            : Int8 && Onnx is null ? ValidationResult.Error("--int8 is for --onnx FILE")
            : Int8 != (Calibrate is not null) ? ValidationResult.Error("--int8 and --calibrate STORE go together")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.PyTorch is { } pytorch)
        {
            var exported = ModelExport.ToPyTorch(settings.Model, settings.OpenOptions, pytorch);
            console.MarkupLineInterpolated($"wrote {pytorch}: {exported.Spec} with {exported.TagCount} tags at {exported.SampleRate} Hz{Epoch(exported)}. It holds weights only: open it with --spec {exported.Spec} and its tags, feed it audio at {exported.SampleRate} Hz (bench/reference.py's module loads the plain m^n models)");
        }
        if (settings.Onnx is { } onnx)
        {
            var exported = ModelExport.ToOnnx(settings.Model, settings.OpenOptions, onnx, settings.Calibrate);
            console.MarkupLineInterpolated($"wrote {onnx}: {exported.Spec} with {exported.TagCount} tags at {exported.SampleRate} Hz{Epoch(exported)}, ONNX opset 17{(settings.Int8 ? ", int8 convolutions" : "")}: input waveform [[batch, 1, {exported.SegmentSamples}]] at {exported.SampleRate} Hz, outputs scores [[batch, {exported.TagCount}]] and embedding [[batch, 512]]; spec, rate and tags in its metadata");
        }
        return 0;
    }

    static string Epoch(ModelInfo exported) => exported.Epoch is { } e ? $", epoch {e}" : "";
}
