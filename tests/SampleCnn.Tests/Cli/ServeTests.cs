using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using SampleCnn.Cli.Commands;
using SampleCnn.Inference;
using SampleCnn.Serving;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Inference;
using SampleCnn.Tests.Tagging;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Cli;

/// <summary>serve's endpoints, in process on a test server, over a tiny checkpoint.</summary>
public class ServeTests
{
    internal sealed class Server : IAsyncDisposable
    {
        readonly Fixtures.Scratch scratch = new();
        readonly WebApplication app;
        public TagService Service { get; }
        public HttpClient Client { get; }
        public string Checkpoint { get; }

        /// <param name="model">Another model than the tiny checkpoint, with the options it opens with.</param>
        /// <param name="beside">Called with the tiny checkpoint's path before the service opens it (to keep files beside it).</param>
        public Server(int queue = 8, long maxUploadBytes = 50L * 1024 * 1024, ServiceOptions? options = null, TaggerOptions? tagger = null,
            (string Path, ModelOpenOptions Options)? model = null, TagDecision? decide = null, string? apiKey = null, Action<string>? beside = null)
        {
            var (tiny, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
            tiny.Dispose();
            Checkpoint = checkpoint;
            beside?.Invoke(checkpoint);
            var (path, open) = model ?? (checkpoint, new ModelOpenOptions());
            Service = TagService.Open(path, open, tagger ?? new TaggerOptions(), CPU, options ?? new ServiceOptions(queue), decide);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            app = builder.Build();
            ServeEndpoints.Map(app, Service, maxUploadBytes, apiKey);
            app.StartAsync().GetAwaiter().GetResult();
            Client = app.GetTestClient();
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
            Service.Dispose();
            scratch.Dispose();
        }
    }

    static readonly string Music = Fixtures.PathOf("mtat-like-16k-mono.mp3");

    internal static ByteArrayContent Audio(string? file = null) => new(File.ReadAllBytes(file ?? Music));

    /// <summary>`tag`'s clip scores for a file, in the order of the tags.</summary>
    internal static float[] TagScores(string checkpoint, string file)
    {
        using var session = TaggingSession.Open([file], checkpoint, new ModelOpenOptions(), new TaggerOptions(), null, CPU);
        return session.Run().Single().ClipScores;
    }

    static float[] Scores(JsonElement json) => TaggerTests.Tags.Select(t => json.GetProperty("scores").GetProperty(t).GetSingle()).ToArray();

    /// <summary>Waits (at most a minute) until <paramref name="condition"/> holds.</summary>
    internal static async Task Until(Func<bool> condition)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromMinutes(1), "timed out waiting");
            await Task.Delay(20);
        }
    }

    internal static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    internal static string[] Uploads() => Directory.GetDirectories(Path.GetTempPath(), "samplecnn-serve-*");

    [Fact]
    public async Task HealthzSaysOk()
    {
        await using var server = new Server();
        var response = await server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ModelSaysSpecTagsRateSegmentAndParameters()
    {
        await using var server = new Server();
        var json = await Json(await server.Client.GetAsync("/v1/model"));
        Assert.Equal("3^4", json.GetProperty("spec").GetString());
        Assert.Equal(TaggerTests.Tags, json.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(server.Service.Model.SampleRate, json.GetProperty("sample_rate").GetInt32());
        Assert.Equal(243, json.GetProperty("segment_samples").GetInt32());
        Assert.True(json.GetProperty("parameters").GetInt64() > 0);
    }

    [Fact]
    public async Task TaggingARawBodyGivesTagsScoresAsTagDoesAndLeavesNoUpload()
    {
        await using var server = new Server();
        var before = Uploads();
        var body = Audio();
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded"); // as curl --data-binary sends it
        var response = await server.Client.PostAsync("/v1/tag", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        var scores = json.GetProperty("scores").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
        Assert.Equal(TaggerTests.Tags, scores.Keys);
        Assert.True(json.GetProperty("segments").GetInt32() > 0);
        Assert.True(json.GetProperty("duration_s").GetDouble() > 0);
        var top = json.GetProperty("top").EnumerateArray().ToList();
        Assert.Equal(scores.Max(p => p.Value), top[0].GetProperty("score").GetSingle());
        Assert.Equal(before, Uploads());

        // the same scores as `tag` gives for the file itself
        var expected = TagScores(server.Checkpoint, Music);
        for (int i = 0; i < TaggerTests.Tags.Length; i++) Assert.Equal(expected[i], scores[TaggerTests.Tags[i]], 1e-5f);
    }

    [Fact]
    public async Task TaggingAMultipartFileWorksToo()
    {
        await using var server = new Server();
        using var form = new MultipartFormDataContent();
        var file = Audio();
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/mpeg");
        form.Add(file, "file", "song.mp3");
        var response = await server.Client.PostAsync("/v1/tag", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, (await Json(response)).GetProperty("scores").EnumerateObject().Count());
    }

    [Fact]
    public async Task AnEmptyBodyIs400SayingSo()
    {
        await using var server = new Server();
        var response = await server.Client.PostAsync("/v1/tag", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("empty", (await Json(response)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/tag", Audio())).StatusCode); // still serving
    }

    [Fact]
    public async Task JunkIs400SayingItIsNotAudio()
    {
        await using var server = new Server();
        var response = await server.Client.PostAsync("/v1/tag", new ByteArrayContent(new byte[4096]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await Json(response)).GetProperty("error").GetString()!;
        Assert.Contains("not audio", error);
        Assert.DoesNotContain("samplecnn-serve-", error);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/tag", Audio())).StatusCode); // still serving
    }

    [Fact]
    public async Task AnUploadOverTheLimitIs413WithOrWithoutItsLength()
    {
        await using var server = new Server(maxUploadBytes: 1000);
        var response = await server.Client.PostAsync("/v1/tag", Audio());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger", (await Json(response)).GetProperty("error").GetString());

        var unsized = new StreamContent(new MemoryStream(new byte[5000])); // no Content-Length: counted while streamed
        response = await server.Client.PostAsync("/v1/tag", unsized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.PostAsync("/v1/tag", new ByteArrayContent(new byte[500]))).StatusCode); // still serving, within the limit
    }

    [Fact]
    public async Task AFullQueueIs503WithRetryAfter()
    {
        await using var server = new Server(queue: 1);
        server.Service.Paused = true; // the model is busy
        var waiting = server.Client.PostAsync("/v1/tag", Audio());
        await Until(() => server.Service.QueueDepth == 1);
        var response = await server.Client.PostAsync("/v1/tag", Audio());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("busy", (await Json(response)).GetProperty("error").GetString());
        server.Service.Paused = false;
        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/tag", Audio())).StatusCode);
        Assert.Equal(0, server.Service.QueueDepth);
    }

    [Fact]
    public async Task AWaitingRequestsUploadSitsInAnOwnerOnlyFolderAndIsServedWhenTheModelIsFree()
    {
        await using var server = new Server(queue: 1);
        server.Service.Paused = true;
        var before = Uploads();
        var waiting = server.Client.PostAsync("/v1/tag", Audio());
        await Until(() => server.Service.QueueDepth == 1);
        Assert.False(waiting.IsCompleted);
        var upload = Assert.Single(Uploads().Except(before)); // written while it waits, readable by its owner only
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(upload));
        server.Service.Paused = false;
        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
        Assert.False(Directory.Exists(upload));
    }

    [Fact]
    public async Task AServiceOpenedForItsCallerRunsTheNetworkOnTheCallersThreadUntilStopped()
    {
        using var scratch = new Fixtures.Scratch();
        var (tiny, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
        tiny.Dispose();
        using (var own = TagService.Open(checkpoint, new ModelOpenOptions(), new TaggerOptions(), CPU, new ServiceOptions()))
            Assert.Throws<InvalidOperationException>(() => own.RunNetwork(CancellationToken.None)); // it has a thread of its own
        using var service = TagService.Open(checkpoint, new ModelOpenOptions(), new TaggerOptions(), CPU, new ServiceOptions(), networkOnCaller: true);
        using var stop = new CancellationTokenSource();
        var network = new Thread(() => service.RunNetwork(stop.Token)); // as serve runs it on the process's first thread
        network.Start();
        var result = await service.TagAsync(Music);
        Assert.Equal(ServiceStatus.Done, result.Status);
        var expected = TagScores(checkpoint, Music);
        for (int t = 0; t < expected.Length; t++) Assert.InRange(result.Tags!.ClipScores[t], expected[t] - 1e-5f, expected[t] + 1e-5f);
        stop.Cancel();
        Assert.True(network.Join(TimeSpan.FromMinutes(1)), "RunNetwork did not return once stopped");
    }

    [Fact]
    public async Task ConcurrentRequestsOfDifferentFilesShareBatchesAndEachGetsTagsScores()
    {
        await using var server = new Server();
        string[] files = [Music, Fixtures.PathOf("vorbis-mono-22k.ogg"), Fixtures.PathOf("pcm16-stereo-11k.wav"), Fixtures.PathOf("msd-like-44k-stereo.mp3")];
        server.Service.Paused = true; // all four are queued before the first batch runs
        var requests = files.Select(f => server.Client.PostAsync("/v1/tag", Audio(f))).ToArray();
        await Until(() => server.Service.QueueDepth == files.Length);
        server.Service.Paused = false;
        var answers = new List<JsonElement>();
        foreach (var request in requests)
        {
            var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await Json(response));
        }
        for (int f = 0; f < files.Length; f++)
        {
            var expected = TagScores(server.Checkpoint, files[f]);
            var actual = Scores(answers[f]);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
        }
        // full batches across the requests: one batch fewer at least than the requests batched one by one
        const int batch = TaggerOptions.DefaultBatchSize;
        var segments = answers.Select(a => a.GetProperty("segments").GetInt32()).ToArray();
        Assert.Equal(segments.Sum(), server.Service.SegmentsTagged);
        Assert.Equal((segments.Sum() + batch - 1) / batch, server.Service.BatchesRun);
        Assert.True(server.Service.BatchesRun < segments.Sum(s => (s + batch - 1) / batch), $"segments {string.Join(", ", segments)}, batches {server.Service.BatchesRun}");
    }

    [Fact]
    public async Task ARequestPastItsTimeoutIs503AndItsSegmentsLeaveTheQueue()
    {
        await using var server = new Server(options: new ServiceOptions(TimeoutSeconds: 1));
        server.Service.Paused = true;
        var before = Uploads();
        var response = await server.Client.PostAsync("/v1/tag", Audio());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("timed out", (await Json(response)).GetProperty("error").GetString());
        Assert.Equal(0, server.Service.QueueDepth);
        Assert.Equal(0, server.Service.SegmentsWaiting);
        Assert.Equal(before, Uploads());
        Assert.Equal(0, server.Service.SegmentsTagged); // none of its segments ran
    }

    [Fact]
    public async Task AClientThatLeavesDropsItsSegments()
    {
        await using var server = new Server();
        server.Service.Paused = true;
        var before = Uploads();
        using var leave = new CancellationTokenSource();
        var request = server.Client.PostAsync("/v1/tag", Audio(), leave.Token);
        await Until(() => server.Service.SegmentsWaiting > 0);
        leave.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await Until(() => server.Service.QueueDepth == 0);
        Assert.Equal(0, server.Service.SegmentsWaiting);
        await Until(() => Uploads().SequenceEqual(before));
    }

    [Fact]
    public async Task AudioLongerThanTheLimitIs413NamingIt()
    {
        await using var server = new Server(options: new ServiceOptions(MaxDurationSeconds: 0.25));
        var response = await server.Client.PostAsync("/v1/tag", Audio());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("longer than 0.25 s", (await Json(response)).GetProperty("error").GetString());
        Assert.Equal(0, server.Service.SegmentsWaiting);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/embed", Audio(Fixtures.PathOf("pcm16-stereo-11k.wav")))).StatusCode); // 0.2 s goes through
    }

    [Fact]
    public Task EmbedGivesEmbedsDefaultVector() => EmbedsDefaultVector(new TaggerOptions(), 1e-5f);

    [Avx512Fact]
    public Task EmbedGivesEmbedsDefaultVectorOnTheWinogradEngine() => EmbedsDefaultVector(new TaggerOptions(Engine: TaggerEngine.Winograd), 1e-4f);

    static async Task EmbedsDefaultVector(TaggerOptions engine, float tolerance)
    {
        await using var server = new Server(tagger: engine);
        var response = await server.Client.PostAsync("/v1/embed", Audio());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        Assert.Equal("penultimate", json.GetProperty("layer").GetString());
        Assert.Equal("mean", json.GetProperty("pool").GetString());
        Assert.Equal(512, json.GetProperty("width").GetInt32());
        var actual = json.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        using var scratch = new Fixtures.Scratch();
        using var session = EmbeddingSession.Open([Music], server.Checkpoint, new ModelOpenOptions(), new EmbeddingOptions(), new TaggerOptions(),
            Path.Combine(scratch.Folder, "e.jsonl"), CPU);
        var expected = session.Run().Single().Vector;
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance);
    }

    [Fact]
    public Task EmbedGivesEmbedsDefaultVectorOnOnnxRuntime() => EmbedsDefaultVector(new TaggerOptions(Engine: TaggerEngine.Onnx), 1e-4f);

    [Fact]
    public async Task EmbedIs501ForATorchScriptModel()
    {
        using var scratch = new Fixtures.Scratch();
        var script = (Path.Combine(AppContext.BaseDirectory, "Fixtures", "TorchScript", "tiny-729.pt"),
            new ModelOpenOptions(TagsFile: scratch.Write("tags.txt", "bright\ndark\nloud\n"u8.ToArray()), SegmentSamples: 729));
        await using var server = new Server(model: script);
        var response = await server.Client.PostAsync("/v1/embed", Audio());
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("no embeddings: a TorchScript model", (await Json(response)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/tag", Audio())).StatusCode); // it still tags
    }
}
