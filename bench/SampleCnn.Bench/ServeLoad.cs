using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SampleCnn.Audio.Decoding;
using SampleCnn.Models;
using SampleCnn.Runs;
using static TorchSharp.torch;

namespace SampleCnn.Bench;

/// <summary>
/// `serve` under load: a real `samplecnn serve` process (3^9, random weights) and N concurrent clients, each posting
/// 30-s MP3s back to back. A 503 is retried after its Retry-After, as a well-behaved client does, and counted; so
/// "nothing dropped" means every request ends 200. Reported against the batch `tag` path on the same files.
/// </summary>
static class ServeLoad
{
    public static string Run(string benchDir, string cli, int[] clientCounts, int requestsPerClient, int queue, int rounds, int threads)
    {
        if (!File.Exists(cli)) throw new FileNotFoundException($"no CLI at {cli}: build it first (dotnet build -c Release src/SampleCnn.Cli)");
        var files = Directory.GetFiles(Path.Combine(benchDir, "out", "mp3"), "*.mp3").Order().ToArray();
        if (files.Length == 0) throw new FileNotFoundException("no MP3s in bench/out/mp3: run bench/setup.sh first");
        var seconds = files.ToDictionary(f => f, f => AudioReader.Load(f).Duration.TotalSeconds);
        var checkpoint = Checkpoint3x9(Path.Combine(benchDir, "out"));

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"### `serve` under load: 3^9, {threads} threads, --queue {queue}, clients post {string.Join(" and ", files.Select(Path.GetFileName))} alternately, {requestsPerClient} requests each");
        text.AppendLine();
        text.AppendLine("| clients | requests | 200 | 503 then retried | other errors | requests/s | x real time | p50 latency s | p99 latency s | server peak RSS MB |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var clients in clientCounts)
        {
            var results = Enumerable.Range(0, rounds).Select(_ => Once(cli, checkpoint, files, seconds, clients, requestsPerClient, queue, threads)).ToList();
            var median = results.OrderBy(r => r.RequestsPerSecond).ElementAt(results.Count / 2);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {clients} | {median.Requests} | {median.Ok} | {median.Busy} | {median.Errors} | {median.RequestsPerSecond:F2} | {median.RealTime:F1} | {median.P50:F2} | {median.P99:F2} | {median.PeakRssMb:F0} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The round with the median requests/s of {rounds}; latency is one request's, from send to answer, retries included.");

        var self = Environment.ProcessPath!;
        string[] selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(Options).Assembly.Location] : [];
        var batch = new Contender("`tag` batch path, same files, fp32", self,
            [.. selfArgs, "worker-tag", "--files", string.Join(',', files), "--threads", $"{threads}", "--warmup", "1", "--iters", "3"]);
        var (table, medians) = Comparison.Measure("The batch path on the same files", [batch], rounds, Console.Error, seconds.Values.Sum());
        text.AppendLine();
        text.Append(table);
        text.AppendLine(CultureInfo.InvariantCulture, $"- `tag` batch: {seconds.Values.Sum() / (medians[batch.Label] / 1000):F1}x real time");
        return text.ToString();
    }

    sealed record Outcome(int Requests, int Ok, int Busy, int Errors, double RequestsPerSecond, double RealTime, double P50, double P99, double PeakRssMb);

    static Outcome Once(string cli, string checkpoint, string[] files, Dictionary<string, double> seconds, int clients, int requestsPerClient, int queue, int threads)
    {
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "serve", "--model", checkpoint, "--urls", $"http://127.0.0.1:{port}", "--queue", $"{queue}", "--threads", $"{threads}" })
            start.ArgumentList.Add(a);
        using var server = Process.Start(start) ?? throw new InvalidOperationException("could not start serve");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
            WaitHealthy(http, server);
            var bodies = files.ToDictionary(f => f, File.ReadAllBytes);
            // one warm-up request, so the first batch's start-up is not in the figures
            Post(http, bodies[files[0]]).GetAwaiter().GetResult();

            // per request: latency, and the seconds of audio it tagged (0 when it failed)
            var done = new ConcurrentBag<(double Latency, double Audio)>();
            int busy = 0;
            var clock = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
            {
                for (int r = 0; r < requestsPerClient; r++)
                {
                    var file = files[(client + r) % files.Length];
                    var sent = Stopwatch.StartNew();
                    var (status, retryAfter) = await Post(http, bodies[file]);
                    for (; status == HttpStatusCode.ServiceUnavailable; (status, retryAfter) = await Post(http, bodies[file]))
                    {
                        Interlocked.Increment(ref busy);
                        await Task.Delay(retryAfter);
                    }
                    done.Add((sent.Elapsed.TotalSeconds, status == HttpStatusCode.OK ? seconds[file] : 0));
                }
            })).ToArray();
            Task.WaitAll(tasks);
            var wall = clock.Elapsed.TotalSeconds;
            var sorted = done.Select(d => d.Latency).Order().ToArray();
            int ok = done.Count(d => d.Audio > 0);
            return new Outcome(clients * requestsPerClient, ok, busy, done.Count - ok, ok / wall, done.Sum(d => d.Audio) / wall,
                Percentile(sorted, 0.50), Percentile(sorted, 0.99), PeakRss.Megabytes(server.Id));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    static async Task<(HttpStatusCode Status, TimeSpan RetryAfter)> Post(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("audio/mpeg");
        using var response = await http.PostAsync("/v1/tag", content);
        await response.Content.ReadAsByteArrayAsync();
        var retry = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
        return (response.StatusCode, retry);
    }

    static void WaitHealthy(HttpClient http, Process server)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (server.HasExited) throw new InvalidOperationException($"serve exited with {server.ExitCode}");
            try
            {
                if (http.GetAsync("/healthz").GetAwaiter().GetResult().IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { } // not listening yet
            Thread.Sleep(200);
        }
        throw new TimeoutException("serve did not answer /healthz within 2 minutes");
    }

    /// <summary>A 3^9 checkpoint of random weights (seed 0), with BatchNorm statistics from a few batches, written once.</summary>
    static string Checkpoint3x9(string folder)
    {
        var path = Path.Combine(folder, "serve-3x9.ckpt");
        if (File.Exists(path)) return path;
        manual_seed(0);
        var tags = Enumerable.Range(0, 50).Select(i => $"tag{i}").ToArray();
        using var model = new TaggingCnn(ModelSpec.Parse("3^9"), tags.Length);
        model.train();
        using (no_grad())
            for (int i = 0; i < 2; i++) model.forward(randn(4, 1, model.Spec.InputSamples) * 0.3).Dispose();
        model.eval();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var temporary = path + ".tmp";
        Checkpoint.Save(temporary, new TrainingState("3^9", tags, 0.5, 1, 0, 0.5, 0, null), model, optimizer);
        File.Move(temporary, path);
        return path;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
