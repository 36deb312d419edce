using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SampleCnn.Tagging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class ServeCommand(IAnsiConsole console) : Command<ServeCommand.Settings>
{
    public sealed class Settings : TrainedModelSettings
    {
        [CommandOption("--urls <URLS>")] [Description("Where to listen, ;-separated.")] [DefaultValue(DefaultUrls)]
        public string Urls { get; init; } = DefaultUrls;

        [CommandOption("--max-upload-mb <MB>")] [Description("Larger uploads are refused (413).")] [DefaultValue(50)]
        public int MaxUploadMb { get; init; } = 50;

        [CommandOption("--queue <N>")]
        [Description("Requests held at once, decoding or waiting for the network (requests, not segments: those are known only once decoded); more get 503 with Retry-After.")]
        [DefaultValue(ServiceOptions.DefaultQueue)]
        public int Queue { get; init; } = ServiceOptions.DefaultQueue;

        [CommandOption("--timeout-s <SECONDS>")] [Description("A request not tagged this long after its upload gets 503 with Retry-After; its segments not yet run are dropped.")]
        [DefaultValue(ServiceOptions.DefaultTimeoutSeconds)]
        public double TimeoutSeconds { get; init; } = ServiceOptions.DefaultTimeoutSeconds;

        [CommandOption("--max-duration-s <SECONDS>")] [Description("Longer audio is refused (413); decoding stops there.")]
        [DefaultValue(ServiceOptions.DefaultMaxDurationSeconds)]
        public double MaxDurationSeconds { get; init; } = ServiceOptions.DefaultMaxDurationSeconds;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model RUN_OR_CHECKPOINT is required")
            : MaxUploadMb < 1 ? ValidationResult.Error("--max-upload-mb must be at least 1")
            : ValidationResult.Success();
    }

    public const string DefaultUrls = "http://127.0.0.1:8080";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        using var service = TagService.Open(settings.Model, settings.OpenOptions, new TaggerOptions(), device,
            new ServiceOptions(settings.Queue, settings.TimeoutSeconds, settings.MaxDurationSeconds));
        console.MarkupLineInterpolated($"serving [bold]{service.Model.Description}[/] on {settings.Urls}");
        var builder = WebApplication.CreateSlimBuilder();
        long max = settings.MaxUploadMb * 1024L * 1024L;
        // the endpoint counts bytes itself (413 as JSON); the server's own limits only stop what is far larger
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = max + 1024 * 1024);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = max + 1024 * 1024);
        var app = builder.Build();
        app.Urls.Add(settings.Urls);
        ServeEndpoints.Map(app, service, max);
        app.StartAsync(cancellationToken).GetAwaiter().GetResult();
        app.WaitForShutdownAsync(cancellationToken).GetAwaiter().GetResult();
        return 0;
    }
}
