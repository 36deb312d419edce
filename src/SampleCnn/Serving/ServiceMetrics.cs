using System.Globalization;
using System.Text;

namespace SampleCnn.Serving;

/// <summary>
/// serve's counters, as Prometheus reads them (text exposition format 0.0.4): requests answered by endpoint and status
/// code, a latency histogram per endpoint, the queue's depth and the segments tagged. Safe to record from any thread.
/// </summary>
public sealed class ServiceMetrics
{
    /// <summary>The media type of <see cref="Text"/>.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Latency buckets' upper bounds in seconds: from a health check's milliseconds to a long file's tagging.</summary>
    public static readonly IReadOnlyList<double> Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    readonly Lock gate = new();
    readonly SortedDictionary<(string Endpoint, int Code), long> requests = new();
    readonly SortedDictionary<string, Latency> latencies = new(StringComparer.Ordinal);

    sealed class Latency
    {
        public readonly long[] Counts = new long[Buckets.Count]; // not cumulative: each request counts in its own bucket only
        public long Count;
        public double Sum;
    }

    /// <param name="endpoint">The route answering (a fixed pattern, not the path asked for, so the label's values stay few).</param>
    public void Record(string endpoint, int code, TimeSpan elapsed)
    {
        double seconds = elapsed.TotalSeconds;
        lock (gate)
        {
            requests[(endpoint, code)] = requests.GetValueOrDefault((endpoint, code)) + 1;
            if (!latencies.TryGetValue(endpoint, out var latency)) latencies[endpoint] = latency = new Latency();
            int bucket = 0;
            while (bucket < Buckets.Count && seconds > Buckets[bucket]) bucket++;
            if (bucket < Buckets.Count) latency.Counts[bucket]++;
            latency.Count++;
            latency.Sum += seconds;
        }
    }

    /// <summary>Every metric now, in the text format.</summary>
    public string Text(int queueDepth, long segmentsTagged)
    {
        var text = new StringBuilder();
        void Head(string name, string type, string help) => text.Append($"# HELP {name} {help}\n# TYPE {name} {type}\n");
        lock (gate)
        {
            Head("samplecnn_requests_total", "counter", "Requests answered, by endpoint and status code.");
            foreach (var ((endpoint, code), count) in requests)
                text.Append($"samplecnn_requests_total{{endpoint=\"{endpoint}\",code=\"{code}\"}} {count}\n");

            Head("samplecnn_request_duration_seconds", "histogram", "Time from a request's arrival to its answer, by endpoint.");
            foreach (var (endpoint, latency) in latencies)
            {
                long cumulative = 0;
                for (int b = 0; b < Buckets.Count; b++)
                {
                    cumulative += latency.Counts[b];
                    text.Append($"samplecnn_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"{Number(Buckets[b])}\"}} {cumulative}\n");
                }
                text.Append($"samplecnn_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"+Inf\"}} {latency.Count}\n");
                text.Append($"samplecnn_request_duration_seconds_sum{{endpoint=\"{endpoint}\"}} {Number(latency.Sum)}\n");
                text.Append($"samplecnn_request_duration_seconds_count{{endpoint=\"{endpoint}\"}} {latency.Count}\n");
            }
        }
        Head("samplecnn_queue_depth", "gauge", "Requests held: being decoded, waiting for the network or being scored.");
        text.Append($"samplecnn_queue_depth {queueDepth}\n");
        Head("samplecnn_segments_tagged_total", "counter", "Segments the network has scored (its rate is segments per second).");
        text.Append($"samplecnn_segments_tagged_total {segmentsTagged}\n");
        return text.ToString();
    }

    static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
