using System.ComponentModel;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SampleCnn.Cli.Views;
using SampleCnn.Serving;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SampleCnn.Cli.Commands;

internal sealed class ServeCommand(IAnsiConsole console) : Command<ServeCommand.Settings>
{
    public sealed class Settings : TagScoreSettings
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

        [CommandOption("--api-key <KEY>")]
        [Description($"Require this key on /v1/* and /metrics (Authorization: Bearer KEY, or X-Api-Key: KEY); / and /healthz stay open. Default: {ApiKeyVariable}, else none.")]
        public string? ApiKey { get; init; }

        /// <summary>The key requests must carry, or null for none: --api-key, else the environment's.</summary>
        public string? Key => ApiKey is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } set ? set : null;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("--model RUN_OR_CHECKPOINT is required")
            : MaxUploadMb < 1 ? ValidationResult.Error("--max-upload-mb must be at least 1")
            : ScoreProblem() is { } problem ? ValidationResult.Error(problem)
            : ValidationResult.Success();
    }

    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Where the API key comes from when --api-key is not given (a key on the command line shows in the process list).</summary>
    public const string ApiKeyVariable = "SAMPLECNN_API_KEY";

    /// <summary>The URLs of --urls that listen beyond this machine (anything but localhost and loopback addresses).</summary>
    internal static IEnumerable<string> Exposed(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(url =>
        {
            var host = BindingAddress.Parse(url).Host; // * and + (every address) come through as they are
            return !(host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        });

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var device = settings.Apply();
        using var service = TagService.Open(settings.Model, settings.OpenOptions with { ThresholdsFile = settings.ThresholdsFile }, settings.TaggerOptions, device,
            new ServiceOptions(settings.Queue, settings.TimeoutSeconds, settings.MaxDurationSeconds), settings.Decision, networkOnCaller: true);
        console.MarkupLineInterpolated($"serving [bold]{service.Model.Description}[/] on {settings.Urls}");
        if (service.Thresholds is { } thresholds) TagView.RenderDecision(console, thresholds, service.Tuned);
        var key = settings.Key;
        foreach (var url in key is null ? Exposed(settings.Urls) : [])
            console.MarkupLineInterpolated($"[yellow]warning:[/] {url} listens beyond this machine with no API key: anyone who can reach it can use the model (--api-key or {ApiKeyVariable})");
        var builder = WebApplication.CreateSlimBuilder();
        long max = settings.MaxUploadMb * 1024L * 1024L;
        // the endpoint counts bytes itself (413 as JSON); the server's own limits only stop what is far larger
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = max + 1024 * 1024);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = max + 1024 * 1024);
        var app = builder.Build();
        app.Urls.Add(settings.Urls);
        ServeEndpoints.Map(app, service, max, key);
        app.StartAsync(cancellationToken).GetAwaiter().GetResult();
        // the network runs here, on the process's first thread, whose malloc arena holds large tensors (TagService.Open)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping))
            service.RunNetwork(stop.Token);
        app.StopAsync().GetAwaiter().GetResult();
        return 0;
    }
}
