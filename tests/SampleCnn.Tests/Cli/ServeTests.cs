using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using SampleCnn.Cli.Commands;
using SampleCnn.Inference;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
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

        /// <param name="beside">Called with the checkpoint's path before the service opens it (to keep files beside it).</param>
        public Server(int queue = 8, long maxUploadBytes = 50L * 1024 * 1024, TaggerOptions? options = null, TagDecision? decide = null, string? apiKey = null,
            Action<string>? beside = null)
        {
            var (model, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
            model.Dispose();
            beside?.Invoke(checkpoint);
            Service = TagService.Open(checkpoint, new ModelOpenOptions(), options ?? new TaggerOptions(), CPU, queue, decide);
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

    internal static ByteArrayContent Audio() => new(File.ReadAllBytes(Fixtures.PathOf("mtat-like-16k-mono.mp3")));

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

        // the same scores as the library's tagger on the file itself
        var expected = (await server.Service.TagAsync(Fixtures.PathOf("mtat-like-16k-mono.mp3")))!;
        for (int i = 0; i < TaggerTests.Tags.Length; i++) Assert.Equal(expected.ClipScores[i], scores[TaggerTests.Tags[i]], 1e-6f);
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
        await using var server = new Server(queue: 0);
        await server.Service.Gate.WaitAsync(); // the model is busy
        try
        {
            var response = await server.Client.PostAsync("/v1/tag", Audio());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("busy", (await Json(response)).GetProperty("error").GetString());
        }
        finally
        {
            server.Service.Gate.Release();
        }
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/tag", Audio())).StatusCode);
    }

    [Fact]
    public async Task AWaitingRequestsUploadSitsInAnOwnerOnlyFolderAndIsServedWhenTheModelIsFree()
    {
        await using var server = new Server(queue: 1);
        await server.Service.Gate.WaitAsync();
        var before = Uploads();
        var waiting = server.Client.PostAsync("/v1/tag", Audio());
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        var upload = Assert.Single(Uploads().Except(before)); // written while it waits, readable by its owner only
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(upload));
        server.Service.Gate.Release();
        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
        Assert.False(Directory.Exists(upload));
    }
}
