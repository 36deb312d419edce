using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SampleCnn.Cli.Commands;
using SampleCnn.Cli.Web;
using SampleCnn.Inference;
using SampleCnn.Serving;
using SampleCnn.Tagging;
using SampleCnn.Tests.Audio;
using SampleCnn.Tests.Tagging;
using static TorchSharp.torch;

namespace SampleCnn.Tests.Cli;

/// <summary>
/// serve's web page at / and the taggram it draws from /v1/tag?taggram=true: over HTTP, and in Debian's chromium
/// driven by Playwright against a real Kestrel server on a free port (the test host has no socket for a browser).
/// </summary>
public class ServePageTests
{
    /// <summary>serve's endpoints on 127.0.0.1 with a port the system chose, over the tiny checkpoint or a given model.</summary>
    sealed class Server : IAsyncDisposable
    {
        readonly Fixtures.Scratch scratch = new();
        readonly WebApplication app;
        public TagService Service { get; }
        public Uri Address { get; }
        public HttpClient Client { get; }

        /// <param name="apiKey">When set, /v1/* answers 401 without it (serve's --api-key).</param>
        public Server(string? model = null, string? apiKey = null)
        {
            if (model is null)
            {
                var (tiny, checkpoint) = TaggerTests.TinyModel(scratch.Folder);
                tiny.Dispose();
                model = checkpoint;
            }
            Service = TagService.Open(model, new ModelOpenOptions(), new TaggerOptions(), CPU, new ServiceOptions());
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            app = builder.Build();
            ServeEndpoints.Map(app, Service, 50L * 1024 * 1024, apiKey);
            app.StartAsync().GetAwaiter().GetResult();
            Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            Client = new HttpClient { BaseAddress = Address };
        }

        /// <summary>What the server answers to <paramref name="file"/> posted raw as <paramref name="contentType"/>.</summary>
        public async Task<(HttpStatusCode Status, JsonElement Json)> Tag(string file, string contentType, string query = "")
        {
            var body = new ByteArrayContent(File.ReadAllBytes(file));
            body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            var response = await Client.PostAsync("/v1/tag" + query, body);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
            Service.Dispose();
            scratch.Dispose();
        }
    }

    /// <summary>Debian's chromium, headless; each page it opens fails its test on a script error or a refused resource.</summary>
    sealed class Chromium : IAsyncDisposable
    {
        readonly IPlaywright playwright;
        readonly IBrowser browser;

        /// <summary>Script errors and what the policy refused; a request the server answered with 4xx is the test's own business.</summary>
        public List<string> Problems { get; } = [];

        Chromium(IPlaywright playwright, IBrowser browser) => (this.playwright, this.browser) = (playwright, browser);

        public static async Task<Chromium> Launch()
        {
            var playwright = await Playwright.CreateAsync();
            return new(playwright, await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.Chromium, Headless = true }));
        }

        public async Task<IPage> Open(Server server, BrowserNewPageOptions? options = null)
        {
            var page = await browser.NewPageAsync(options);
            page.SetDefaultTimeout(Patience);
            page.Console += (_, message) =>
            {
                if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal))
                    Problems.Add(message.Text);
            };
            page.PageError += (_, error) => Problems.Add(error);
            await page.GotoAsync(server.Address.ToString());
            return page;
        }

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    static readonly string Song = Fixtures.PathOf("mtat-like-16k-mono.mp3");

    /// <summary>How long a browser check waits: tagging shares two loaded cores with other work.</summary>
    const float Patience = 60_000;

    [Fact]
    public async Task ThePageAndItsFilesComeWithTheirTypesAndARestrictivePolicy()
    {
        await using var server = new Server();
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/page.css", "text/css"), ("/page.js", "text/javascript") })
        {
            var response = await server.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
            Assert.Equal(ServePage.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
        }
        Assert.Contains("default-src 'none'", ServePage.ContentSecurityPolicy);
        Assert.DoesNotContain("unsafe", ServePage.ContentSecurityPolicy);
        Assert.Contains("<script src=\"page.js\"", await server.Client.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"))).StatusCode); // curl -I
    }

    [Fact]
    public async Task TaggramTrueAddsEachSegmentsScoresInTheOrderOfItsTags()
    {
        await using var server = new Server();
        var expected = (await server.Service.TagAsync(Song)).Tags!;
        var (status, json) = await server.Tag(Song, "audio/mpeg", "?taggram=true");
        Assert.Equal(HttpStatusCode.OK, status);
        var taggram = json.GetProperty("taggram");
        Assert.Equal(expected.SegmentSeconds, taggram.GetProperty("segment_s").GetDouble(), 1e-9);
        Assert.Equal(expected.HopSeconds, taggram.GetProperty("hop_s").GetDouble(), 1e-9);
        var tags = taggram.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(TaggerTests.Tags, tags);
        var rows = taggram.GetProperty("scores").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();
        Assert.Equal(json.GetProperty("segments").GetInt32(), rows.Count);
        Assert.True(rows.Count > 1);
        Assert.All(rows, r => Assert.Equal(tags.Length, r.Length));
        Assert.Equal(expected.SegmentScores, rows.SelectMany(r => r));
        // and the clip's score is still the mean of its segments'
        for (int j = 0; j < tags.Length; j++)
            Assert.Equal(json.GetProperty("scores").GetProperty(tags[j]).GetSingle(), rows.Average(r => r[j]), 1e-5);

        var (_, plain) = await server.Tag(Song, "audio/mpeg");
        Assert.False(plain.TryGetProperty("taggram", out _));
    }

    [ChromiumFact]
    public async Task InABrowserAFileChosenByKeyboardGivesBarsAndATaggramJunkIsRefusedWithTheServersReasonAndADropTagsAgain()
    {
        await using var server = new Server();
        using var scratch = new Fixtures.Scratch();
        var junk = scratch.Write("notes.txt", "these are notes, not audio\n"u8.ToArray());
        var (_, answer) = await server.Tag(Song, "audio/mpeg");
        var expectedBars = answer.GetProperty("scores").EnumerateObject().OrderByDescending(p => p.Value.GetSingle()).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        var (junkStatus, junkAnswer) = await server.Tag(junk, "text/plain");
        Assert.True((int)junkStatus is >= 400 and < 500);
        var refusal = junkAnswer.GetProperty("error").GetString()!;

        await using var chromium = await Chromium.Launch();
        var page = await chromium.Open(server);
        // listened for from the start: Playwright intercepts the picker once asked, without waiting, and a loaded
        // machine could otherwise press Enter before the interception is in place (seen: no event in 60 s)
        var picker = new TaskCompletionSource<IFileChooser>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.FileChooser += (_, chooser) => picker.TrySetResult(chooser);

        // the model's card
        await Assertions.Expect(page.Locator("#card dd[data-field=spec]")).ToHaveTextAsync("3^4", new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#card dd[data-field=tags]")).ToHaveTextAsync("4");
        await Assertions.Expect(page.Locator("#card dd[data-field='sample rate']")).ToHaveTextAsync($"{server.Service.Model.SampleRate:N0} Hz");

        // the keyboard: Tab reaches the chooser, which shows where the focus is, and Enter opens the file picker
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("choose", await page.EvaluateAsync<string>("document.activeElement.id"));
        Assert.NotEqual("none", await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");
        await (await picker.Task.WaitAsync(TimeSpan.FromMilliseconds(Patience))).SetFilesAsync(Song);

        // the bars: every tag of the tiny model, best first, each with its score as the server gave it
        var bars = page.Locator("#bars li");
        await Assertions.Expect(bars).ToHaveCountAsync(4, new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#bars .tag")).ToHaveTextAsync(expectedBars.Select(p => p.Name).ToArray());
        await Assertions.Expect(page.Locator("#bars .score")).ToHaveTextAsync(expectedBars.Select(p => p.Value.GetSingle().ToString("F2", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Tagged mtat-like-16k-mono.mp3");

        // the taggram: a row per tag, a column per segment, and most of the canvas painted
        var canvas = page.Locator("#taggram");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-rows", "4");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-segments", answer.GetProperty("segments").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var painted = await canvas.EvaluateAsync<double>(
            "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n / (d.length / 4); }");
        Assert.True(painted > 0.4, $"only {painted:P0} of the taggram's canvas is painted");
        Assert.Equal("", await page.Locator("#error").TextContentAsync());

        // a file that is not audio: refused, saying what the server said, and the old result is gone
        await page.Locator("#file").SetInputFilesAsync(junk);
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync($"notes.txt was refused: {refusal}", new() { Timeout = Patience });
        await Assertions.Expect(page.Locator("#results")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#progress")).ToBeHiddenAsync();

        // a file dropped on the page (as a browser delivers a drop) is tagged, and the refusal is gone
        await page.Locator("#drop").EvaluateAsync("""
            (zone, data) => {
              const transfer = new DataTransfer();
              transfer.items.add(new File([Uint8Array.from(atob(data), c => c.charCodeAt(0))], "dropped.mp3", { type: "audio/mpeg" }));
              zone.dispatchEvent(new DragEvent("dragenter", { bubbles: true, cancelable: true, dataTransfer: transfer }));
              zone.dispatchEvent(new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: transfer }));
            }
            """, Convert.ToBase64String(File.ReadAllBytes(Song)));
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Tagged dropped.mp3");
        await Assertions.Expect(bars).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#error")).ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("#drop")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bover\b"));

        Assert.Empty(chromium.Problems);
    }

    [ChromiumFact]
    public async Task InABrowserAServerThatWantsAKeyGetsItFromTheKeyFieldAndTheRefusedFileIsThenTagged()
    {
        await using var server = new Server(apiKey: "sesame");
        await using var chromium = await Chromium.Launch();
        var page = await chromium.Open(server);

        // the card cannot load: the page asks for a key and puts the focus in its field
        await Assertions.Expect(page.Locator("#key-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("This server needs an API key: enter it below.");
        Assert.Equal("key", await page.EvaluateAsync<string>("document.activeElement.id"));

        // a file chosen before the key is refused, saying why, and kept
        await page.Locator("#file").SetInputFilesAsync(Song);
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("mtat-like-16k-mono.mp3 was not tagged: this server needs an API key; enter it below.");
        await Assertions.Expect(page.Locator("#results")).ToBeHiddenAsync();

        // typed and sent with Enter: the card loads and the kept file is tagged
        await page.Locator("#key").FillAsync("sesame");
        await page.Locator("#key").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#card dd[data-field=spec]")).ToHaveTextAsync("3^4");
        await Assertions.Expect(page.Locator("#bars li")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#error")).ToBeEmptyAsync();
        Assert.Empty(chromium.Problems);
    }

    /// <summary>
    /// docs/serve-page.png: scripts/serve-page-screenshot.sh sets SAMPLECNN_PAGE_SCREENSHOT (the picture to write),
    /// SAMPLECNN_PAGE_MODEL (a run or checkpoint; else the tiny one) and SAMPLECNN_PAGE_AUDIO (else the MTAT-like fixture).
    /// </summary>
    [ChromiumFact(OptIn = "SAMPLECNN_PAGE_SCREENSHOT")]
    public async Task Screenshot()
    {
        var output = Path.GetFullPath(Environment.GetEnvironmentVariable("SAMPLECNN_PAGE_SCREENSHOT")!);
        var audio = Environment.GetEnvironmentVariable("SAMPLECNN_PAGE_AUDIO") is { Length: > 0 } a ? Path.GetFullPath(a) : Song;
        await using var server = new Server(Environment.GetEnvironmentVariable("SAMPLECNN_PAGE_MODEL") is { Length: > 0 } m ? m : null);
        await using var chromium = await Chromium.Launch();
        var page = await chromium.Open(server, new() { ViewportSize = new() { Width = 960, Height = 640 }, ColorScheme = ColorScheme.Light });
        await page.Locator("#file").SetInputFilesAsync(audio);
        await Assertions.Expect(page.Locator("#results")).ToBeVisibleAsync(new() { Timeout = 10 * Patience }); // a long file with a big model
        await page.Mouse.MoveAsync(0, 0);
        await page.ScreenshotAsync(new() { Path = output, FullPage = true });
    }
}
