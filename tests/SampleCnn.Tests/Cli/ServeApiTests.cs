using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SampleCnn.Cli.Commands;
using SampleCnn.Runs;
using SampleCnn.Serving;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Tagging;
using static SampleCnn.Tests.Cli.ServeTests;

namespace SampleCnn.Tests.Cli;

/// <summary>serve's taggram picture, protocol and decisions, engines, metrics, API key and each bad input, on the test server.</summary>
public partial class ServeApiTests
{
    const string Song = "mtat-like-16k-mono.mp3";

    static MultipartFormDataContent Form(string name = "song.mp3")
    {
        var form = new MultipartFormDataContent();
        var file = ServeTests.Audio();
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/mpeg");
        form.Add(file, "file", name);
        return form;
    }

    /// <summary>A JSON error is one line holding only "error"; returns it.</summary>
    static async Task<string> OneLineError(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain('\n', text);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["error"], json.EnumerateObject().Select(p => p.Name));
        return json.GetProperty("error").GetString()!;
    }

    static async Task StillServes(Server server) =>
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/tag", ServeTests.Audio())).StatusCode);

    [Fact]
    public async Task TheTaggramIsThePictureTagDrawsOfTheUpload()
    {
        await using var server = new Server();
        var response = await server.Client.PostAsync("/v1/taggram.png", Form());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var expected = (await server.Service.TagAsync(Fixtures.PathOf(Song))).Tags!;
        Assert.Equal(Taggram.Png(expected with { Path = "song.mp3" }), png); // one drawing, titled with the form's file name

        var empty = await server.Client.PostAsync("/v1/taggram.png", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("empty", await OneLineError(empty));
        var junk = await server.Client.PostAsync("/v1/taggram.png", new ByteArrayContent(new byte[4096]));
        Assert.Contains("not audio", await OneLineError(junk));
    }

    [Fact]
    public async Task TheAnswerSaysWhatTheScoresMeanAndDecidesNothingWithoutThresholds()
    {
        await using var server = new Server();
        var json = await Json(await server.Client.PostAsync("/v1/tag", ServeTests.Audio()));
        var protocol = json.GetProperty("protocol");
        int rate = server.Service.Model.SampleRate;
        Assert.Equal(rate, protocol.GetProperty("sample_rate").GetInt32());
        Assert.Equal(243, protocol.GetProperty("segment_samples").GetInt32());
        Assert.Equal(243.0 / rate, protocol.GetProperty("segment_s").GetDouble(), 12);
        Assert.Equal(243.0 / rate, protocol.GetProperty("hop_s").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, protocol.GetProperty("segments_per_file").ValueKind); // every whole segment
        Assert.Contains("mean", protocol.GetProperty("clip_score").GetString());
        Assert.Contains("sigmoid", protocol.GetProperty("segment_score").GetString());
        Assert.Contains("padded", protocol.GetProperty("short_file").GetString());
        Assert.False(json.TryGetProperty("decisions", out _));
    }

    [Fact]
    public async Task TheThresholdsKeptWithTheModelDecideUnlessOneThresholdIsGiven()
    {
        TagThresholds? kept = null;
        void Keep(string checkpoint)
        {
            // a and c at their scores (pass), b and d just above (fail), as tag's own decision tests do
            var scores = TagScores(checkpoint, Fixtures.PathOf(Song));
            kept = new TagThresholds("3^4", checkpoint, 1, "store", "valid", "paper", "mean", 0, 10,
                TaggerTests.Tags.Select((t, j) => new TagThreshold(t, j % 2 == 0 ? scores[j] : MathF.BitIncrement(scores[j]), true, 0.5, 2, 8)).ToList());
            kept.Write(RunFolder.ThresholdsOf(checkpoint));
        }
        await using (var server = new Server(beside: Keep))
        {
            Assert.NotNull(server.Service.Tuned);
            var decisions = (await Json(await server.Client.PostAsync("/v1/tag", ServeTests.Audio()))).GetProperty("decisions");
            Assert.Equal([true, false, true, false], TaggerTests.Tags.Select(t => decisions.GetProperty(t).GetBoolean()));
        }
        await using (var server = new Server(beside: Keep, decide: TagDecision.Global(0.5f)))
        {
            Assert.Null(server.Service.Tuned);
            var json = await Json(await server.Client.PostAsync("/v1/tag", ServeTests.Audio()));
            foreach (var tag in TaggerTests.Tags)
                Assert.Equal(json.GetProperty("scores").GetProperty(tag).GetSingle() >= 0.5f, json.GetProperty("decisions").GetProperty(tag).GetBoolean());
        }
        Assert.NotNull(kept);
    }

    [Fact]
    public void ServeTakesTagsDecisionEngineAndPrecisionOptions()
    {
        var settings = new ServeCommand.Settings { Model = "m", Decide = "0.25", Engine = "onnx", Precision = "bf16" };
        Assert.Equal(0.25f, settings.Decision!.Threshold);
        Assert.Equal((TaggerEngine.Onnx, true), (settings.TaggerOptions.Engine, settings.TaggerOptions.BFloat16));
        Assert.Same(TagDecision.Tuned, new ServeCommand.Settings { Model = "m", Decide = "tuned" }.Decision);
        Assert.Null(new ServeCommand.Settings { Model = "m" }.Decision); // the library then uses tuned thresholds when kept
        Assert.Equal("--decide '2': expected tuned or a threshold from 0 to 1", new ServeCommand.Settings { Model = "m", Decide = "2" }.Validate().Message);
        Assert.Equal("--engine 'tpu': expected torch, onnx or winograd", new ServeCommand.Settings { Model = "m", Engine = "tpu" }.Validate().Message);
        Assert.Equal("--precision 'fp8': expected fp32 or bf16", new ServeCommand.Settings { Model = "m", Precision = "fp8" }.Validate().Message);
        Assert.Equal("--thresholds FILE goes with --decide tuned", new ServeCommand.Settings { Model = "m", ThresholdsFile = "t.json" }.Validate().Message);
        Assert.True(new ServeCommand.Settings { Model = "m", Decide = "tuned", ThresholdsFile = "t.json" }.Validate().Successful);
    }

    [Theory]
    [InlineData(TaggerEngine.Onnx, false, 1e-5)]
    [InlineData(TaggerEngine.Winograd, false, 1e-4)]
    [InlineData(TaggerEngine.Torch, true, 5e-2)]
    public async Task OnnxRuntimeAndBFloat16ServeTheScoresLibtorchGives(TaggerEngine engine, bool bf16, double within)
    {
        Dictionary<string, float> Scores(JsonElement json) => json.GetProperty("scores").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
        Dictionary<string, float> fp32;
        await using (var server = new Server())
            fp32 = Scores(await Json(await server.Client.PostAsync("/v1/tag", ServeTests.Audio())));
        await using (var server = new Server(tagger: new TaggerOptions(Engine: engine, BFloat16: bf16)))
        {
            var other = Scores(await Json(await server.Client.PostAsync("/v1/tag", ServeTests.Audio())));
            foreach (var tag in TaggerTests.Tags) Assert.Equal(fp32[tag], other[tag], within);
        }
    }

    [GeneratedRegex("""^([a-z_]+)(?:\{([^}]*)\})? (\S+)$""")]
    private static partial Regex Sample();

    [GeneratedRegex("""^# (HELP|TYPE) ([a-z_]+) (.+)$""")]
    private static partial Regex Comment();

    /// <summary>Parses the text exposition format strictly: every line a HELP/TYPE comment or a sample of a declared metric. Samples by name and labels.</summary>
    static Dictionary<string, double> Parse(string text)
    {
        var types = new Dictionary<string, string>();
        var samples = new Dictionary<string, double>();
        Assert.EndsWith("\n", text);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (Comment().Match(line) is { Success: true } comment)
            {
                if (comment.Groups[1].Value == "TYPE") types.Add(comment.Groups[2].Value, comment.Groups[3].Value);
                continue;
            }
            var sample = Sample().Match(line);
            Assert.True(sample.Success, $"not a sample line: {line}");
            var name = sample.Groups[1].Value;
            var family = types.Keys.SingleOrDefault(t => name == t || types[t] == "histogram" && name is var n && (n == t + "_bucket" || n == t + "_sum" || n == t + "_count"));
            Assert.True(family is not null, $"{name} sampled before its TYPE");
            var labels = sample.Groups[2].Value;
            if (labels.Length > 0) Assert.Matches("""^([a-z_]+="[^"\\\n]*")(,[a-z_]+="[^"\\\n]*")*$""", labels);
            var value = sample.Groups[3].Value;
            samples.Add($"{name}{{{labels}}}", value == "+Inf" ? double.PositiveInfinity : double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        Assert.Equal(new Dictionary<string, string>
        {
            ["samplecnn_requests_total"] = "counter", ["samplecnn_request_duration_seconds"] = "histogram",
            ["samplecnn_queue_depth"] = "gauge", ["samplecnn_segments_tagged_total"] = "counter",
        }, types);
        return samples;
    }

    [Fact]
    public async Task MetricsCountRequestsByEndpointAndCodeTimeThemAndCountSegments()
    {
        await using var server = new Server();
        var tagged = await Json(await server.Client.PostAsync("/v1/tag", ServeTests.Audio()));
        await server.Client.PostAsync("/v1/tag", new ByteArrayContent([]));
        await server.Client.GetAsync("/healthz");
        await server.Client.GetAsync("/nowhere");

        var response = await server.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var samples = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, samples["""samplecnn_requests_total{endpoint="/v1/tag",code="200"}"""]);
        Assert.Equal(1, samples["""samplecnn_requests_total{endpoint="/v1/tag",code="400"}"""]);
        Assert.Equal(1, samples["""samplecnn_requests_total{endpoint="/healthz",code="200"}"""]);
        Assert.Equal(1, samples["""samplecnn_requests_total{endpoint="unmatched",code="404"}"""]); // not the path asked for: labels stay few
        Assert.Equal(tagged.GetProperty("segments").GetInt32(), samples["samplecnn_segments_tagged_total{}"]);
        Assert.Equal(0, samples["samplecnn_queue_depth{}"]);

        // the histogram: cumulative buckets ending in +Inf = count, a sum of seconds
        var buckets = samples.Where(s => s.Key.StartsWith("""samplecnn_request_duration_seconds_bucket{endpoint="/v1/tag",""")).ToList();
        Assert.Equal(ServiceMetrics.Buckets.Count + 1, buckets.Count);
        Assert.Equal(buckets.Select(b => b.Value).Order(), buckets.Select(b => b.Value));
        Assert.EndsWith("""le="+Inf"}""", buckets[^1].Key);
        Assert.Equal(2, buckets[^1].Value);
        Assert.Equal(2, samples["""samplecnn_request_duration_seconds_count{endpoint="/v1/tag"}"""]);
        Assert.InRange(samples["""samplecnn_request_duration_seconds_sum{endpoint="/v1/tag"}"""], 1e-6, 60);

        // a second scrape counts the first
        var again = Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, again["""samplecnn_requests_total{endpoint="/metrics",code="200"}"""]);
    }

    [Fact]
    public async Task TheQueueDepthGaugeCountsRequestsHeld()
    {
        await using var server = new Server(queue: 2);
        server.Service.Paused = true; // the network holds the request
        var held = server.Client.PostAsync("/v1/tag", ServeTests.Audio());
        double Depth() => Parse(server.Client.GetStringAsync("/metrics").GetAwaiter().GetResult())["samplecnn_queue_depth{}"];
        await Until(() => Depth() == 1);
        server.Service.Paused = false;
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        Assert.Equal(0, Depth());
    }

    [Fact]
    public async Task WithAnApiKeyTheApiAndMetricsNeedItAndHealthzAndThePageDoNot()
    {
        await using var server = new Server(apiKey: "s3cret");
        async Task<HttpStatusCode> Get(string path, string? header = null, string? value = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (header is not null) request.Headers.TryAddWithoutValidation(header, value);
            return (await server.Client.SendAsync(request)).StatusCode;
        }
        var refused = await server.Client.GetAsync("/v1/model");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("API key", await OneLineError(refused));
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.PostAsync("/v1/tag", ServeTests.Audio())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/metrics"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/v1/model", "Authorization", "Bearer s3cre"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get("/v1/model", "X-Api-Key", "s3cret "));
        Assert.Equal(HttpStatusCode.OK, await Get("/v1/model", "Authorization", "Bearer s3cret"));
        Assert.Equal(HttpStatusCode.OK, await Get("/v1/model", "X-Api-Key", "s3cret"));
        Assert.Equal(HttpStatusCode.OK, await Get("/metrics", "X-Api-Key", "s3cret"));
        Assert.Equal(HttpStatusCode.OK, await Get("/healthz"));
        Assert.NotEqual(HttpStatusCode.Unauthorized, await Get("/")); // the page stays open (it sends the key it is given)

        using var tag = new HttpRequestMessage(HttpMethod.Post, "/v1/tag") { Content = ServeTests.Audio() };
        tag.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(tag)).StatusCode);
    }

    [Fact]
    public void TheKeyComesFromTheOptionElseTheEnvironment()
    {
        var before = Environment.GetEnvironmentVariable(ServeCommand.ApiKeyVariable);
        try
        {
            Environment.SetEnvironmentVariable(ServeCommand.ApiKeyVariable, null);
            Assert.Null(new ServeCommand.Settings().Key);
            Environment.SetEnvironmentVariable(ServeCommand.ApiKeyVariable, "from-env");
            Assert.Equal("from-env", new ServeCommand.Settings().Key);
            Assert.Equal("given", new ServeCommand.Settings { ApiKey = "given" }.Key);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServeCommand.ApiKeyVariable, before);
        }
    }

    [Fact]
    public void OnlyLoopbackAddressesCountAsThisMachine()
    {
        Assert.Empty(ServeCommand.Exposed("http://127.0.0.1:8080;http://localhost:5000; http://[::1]:9000"));
        Assert.Equal(["http://0.0.0.0:8080", "http://*:80", "http://+:81", "http://[::]:82", "http://example.com:83", "http://192.168.1.2:84"],
            ServeCommand.Exposed("http://0.0.0.0:8080;http://*:80;http://+:81;http://[::]:82;http://example.com:83;http://192.168.1.2:84;http://127.0.0.1:85"));
    }

    [Fact]
    public async Task AHalfMp3IsTaggedFromTheAudioItHoldsAndACutInsideAFrameSaysWhatWasLost()
    {
        await using var server = new Server();
        var whole = await File.ReadAllBytesAsync(Fixtures.PathOf(Song));
        var full = await Json(await server.Client.PostAsync("/v1/tag", ServeTests.Audio()));
        Assert.False(full.TryGetProperty("recovered", out _));
        // this fixture's half ends on a frame boundary (a shorter MP3); 40 bytes more cut the next frame, decoded as ffmpeg does (the rest as zeros)
        foreach (var (cut, truncated) in new[] { (whole.Length / 2, false), (whole.Length / 2 + 40, true) })
        {
            var response = await server.Client.PostAsync("/v1/tag", new ByteArrayContent(whole[..cut]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await Json(response);
            Assert.InRange(json.GetProperty("segments").GetInt32(), 1, full.GetProperty("segments").GetInt32() - 1);
            Assert.Equal(truncated, json.TryGetProperty("recovered", out var recovered));
            if (truncated) Assert.StartsWith("truncated: the last frame needs", recovered.GetString());
        }
    }

    [Fact]
    public async Task ABodyShorterThanItsDeclaredLengthIs400AtOnce()
    {
        await using var server = new Server();
        var body = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes("ID3 but not much more")));
        body.Headers.ContentLength = 40L * 1024 * 1024; // under the limit, so the server reads what comes
        var response = await server.Client.PostAsync("/v1/tag", body).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"the body ended after 21 bytes of the {40L * 1024 * 1024} its Content-Length declares", await OneLineError(response));

        var huge = new StreamContent(new MemoryStream(new byte[10]));
        huge.Headers.ContentLength = long.MaxValue / 2; // over the limit: refused before a byte is read or a buffer sized
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await server.Client.PostAsync("/v1/tag", huge)).StatusCode);
        await StillServes(server);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("image/png")]
    public async Task AWrongContentTypeIs415NamingTheTypesTaken(string type)
    {
        await using var server = new Server();
        foreach (var endpoint in new[] { "/v1/tag", "/v1/taggram.png" })
        {
            var body = ServeTests.Audio();
            body.Headers.ContentType = new MediaTypeHeaderValue(type);
            var response = await server.Client.PostAsync(endpoint, body);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            var error = await OneLineError(response);
            Assert.Contains(type, error);
            Assert.Contains("audio/*", error);
            Assert.Contains("multipart/form-data", error);
        }
        await StillServes(server);
    }

    [Theory]
    [InlineData("audio/mpeg")]
    [InlineData("application/octet-stream")]
    [InlineData("application/ogg")]
    public async Task AudioTypesAreTaken(string type)
    {
        await using var server = new Server();
        var body = ServeTests.Audio();
        body.Headers.ContentType = new MediaTypeHeaderValue(type);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/tag", body)).StatusCode);
    }
}
