using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using SampleCnn.Cli.Web;
using SampleCnn.Serving;
using SampleCnn.Tagging;

namespace SampleCnn.Cli.Commands;

/// <summary>
/// serve's HTTP face: /healthz, /metrics, /v1/model, /v1/tag, /v1/taggram.png and /v1/embed over a <see cref="TagService"/>. An upload is
/// streamed to a private temp folder (owner-only), tagged from there and deleted; every failure is a JSON error, never a crash.
/// With an API key, /v1/* and /metrics answer only requests that carry it.
/// </summary>
internal static class ServeEndpoints
{
    /// <summary>How long a client should wait before trying again when the queue is full or a request timed out.</summary>
    const string RetryAfterSeconds = "1";

    /// <summary>What a raw body may be labelled (besides audio/*), or a multipart form with a file field.</summary>
    static readonly string[] RawBodyTypes = ["application/octet-stream", "application/ogg", "application/x-www-form-urlencoded"];

    /// <param name="apiKey">The key /v1/* and /metrics require, or null for none.</param>
    public static void Map(WebApplication app, TagService service, long maxUploadBytes, string? apiKey = null)
    {
        var metrics = new ServiceMetrics();
        app.Use(Measured(metrics)); // first, so refusals count too
        if (apiKey is not null) app.Use(KeyRequired(apiKey));
        ServePage.Map(app);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/metrics", () => Results.Text(metrics.Text(service.QueueDepth, service.SegmentsTagged), ServiceMetrics.ContentType));
        app.MapGet("/v1/model", () => Results.Json(new
        {
            model = service.Model.Path,
            kind = service.Model.Kind.ToString(),
            spec = service.Model.Spec,
            tags = service.Tags,
            sample_rate = service.Model.SampleRate,
            segment_samples = service.Model.SegmentSamples,
            parameters = service.Parameters,
        }));
        // cast: a lambda of HttpContext alone would be taken for a RequestDelegate, and its result dropped
        app.MapPost("/v1/tag", (Delegate)((HttpContext context) => Tagged(context, service, maxUploadBytes, tags => TagJson(service, tags, context.Request.Query["taggram"] == "true"))));
        app.MapPost("/v1/taggram.png", (Delegate)((HttpContext context) => Tagged(context, service, maxUploadBytes, tags => Results.Bytes(Taggram.Png(tags), "image/png"))));
        // `embed`'s default: the vector the dense output layer reads, averaged over the segments
        app.MapPost("/v1/embed", (Delegate)((HttpContext context) => service.CannotEmbed is { } why
            ? Task.FromResult(Error(StatusCodes.Status501NotImplemented, $"this model gives no embeddings: {why}"))
            : Tagged(context, service, maxUploadBytes, tags => Results.Json(new
            {
                model = service.Model.Path,
                layer = "penultimate",
                pool = "mean",
                width = tags.Embedding!.Length,
                embedding = tags.Embedding,
            }))));
    }

    /// <summary>
    /// Every tag's clip score, the top five, what the scores mean, each tag's yes/no when the service decides, and with
    /// <paramref name="taggram"/> the per-segment scores the tagger already has (one row per segment, in the order of tags).
    /// </summary>
    static IResult TagJson(TagService service, FileTags tags, bool taggram)
    {
        var json = new Dictionary<string, object?>
        {
            ["model"] = service.Model.Path,
            ["protocol"] = service.Protocol,
            ["duration_s"] = tags.CoveredSeconds,
            ["segments"] = tags.Segments,
            ["scores"] = tags.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => tags.ClipScores[p.i]),
            ["top"] = tags.Top(5).Select(t => new { tag = t.Tag, score = t.Score }),
        };
        if (tags.Recovered is not null) json["recovered"] = tags.Recovered; // a damaged upload, tagged from the audio before the damage
        if (tags.Thresholds is not null) json["decisions"] = FileTagsFormat.Decisions(tags);
        if (taggram) json["taggram"] = new { segment_s = tags.SegmentSeconds, hop_s = tags.HopSeconds, tags = tags.Tags, scores = tags.SegmentScores.Chunk(tags.Tags.Count) };
        return Results.Json(json);
    }

    /// <summary>
    /// An upload's way through the service, the same for every endpoint: streamed to a private folder (within the size limit),
    /// queued, and answered by <paramref name="render"/> when tagged, or with the JSON error saying why not.
    /// </summary>
    static async Task<IResult> Tagged(HttpContext context, TagService service, long maxUploadBytes, Func<FileTags, IResult> render)
    {
        var request = context.Request;
        if (!Accepted(request.ContentType))
            return Error(StatusCodes.Status415UnsupportedMediaType,
                $"the content type {request.ContentType} is not an upload this takes: send the audio as the raw body (audio/*, {string.Join(", ", RawBodyTypes)}, or none) or as a file field of multipart/form-data");
        if (request.ContentLength > maxUploadBytes) return TooLarge(maxUploadBytes);
        var folder = PrivateFolder();
        try
        {
            var file = Path.Combine(folder, "upload");
            var name = "upload"; // the taggram's title: the form's file name when there is one
            Stream body = request.Body;
            // only a multipart form carries a file; curl --data-binary labels a raw body as a urlencoded form
            if (request.HasFormContentType && request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var form = await request.ReadFormAsync(context.RequestAborted);
                if (form.Files.Count == 0) return Error(StatusCodes.Status400BadRequest, "the form holds no file: send the audio as a file field, or as the raw body");
                body = form.Files[0].OpenReadStream();
                name = Path.GetFileName(form.Files[0].FileName) is { Length: > 0 } given ? given : name;
            }
            long length;
            await using (body)
            await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
                length = await Copy(body, output, maxUploadBytes, context.RequestAborted);
            if (length < 0) return TooLarge(maxUploadBytes);
            // a body that ends early: Kestrel throws when the client hangs up; a client that only stalls meets its minimum data rate
            if (body == request.Body && request.ContentLength is { } declared && declared != length)
                return Error(StatusCodes.Status400BadRequest, $"the body ended after {length} bytes of the {declared} its Content-Length declares");
            if (length == 0) return Error(StatusCodes.Status400BadRequest, "the upload is empty: send an audio file as the body");
            var result = await service.TagAsync(file, context.RequestAborted);
            switch (result.Status)
            {
                case ServiceStatus.Busy:
                    context.Response.Headers.RetryAfter = RetryAfterSeconds;
                    return Error(StatusCodes.Status503ServiceUnavailable, $"busy: {service.Queue} requests are already queued for the model; try again shortly");
                // 503, not 504: no upstream failed; the service was too loaded to finish in time, and a later try may succeed
                case ServiceStatus.TimedOut:
                    context.Response.Headers.RetryAfter = RetryAfterSeconds;
                    return Error(StatusCodes.Status503ServiceUnavailable,
                        $"timed out: not tagged within {service.Options.TimeoutSeconds:0.###} s (--timeout-s), the model being busy; try again shortly");
                case ServiceStatus.TooLong:
                    return Error(StatusCodes.Status413PayloadTooLarge, $"the audio is longer than {service.Options.MaxDurationSeconds:0.###} s (--max-duration-s)");
            }
            var tags = result.Tags!;
            // the private folder's name stays private
            if (tags.Failed) return Error(StatusCodes.Status400BadRequest, $"the upload is not audio this can read: {tags.Error!.Replace(file, "upload")}");
            return render(tags with { Path = name });
        }
        catch (Exception error) when (error is BadHttpRequestException or InvalidDataException) // a malformed form or body; a failure past here is the server's (500)
        {
            return Error(StatusCodes.Status400BadRequest, $"the upload could not be read: {error.Message}");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) // the client left: its segments are dropped, no one reads an answer
        {
            return Results.Empty;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>No type (a raw body), audio/*, one of <see cref="RawBodyTypes"/>, or a multipart form.</summary>
    static bool Accepted(string? contentType) =>
        contentType is null
        || MediaTypeHeaderValue.TryParse(contentType, out var type)
        && (type.Type.Equals("audio", StringComparison.OrdinalIgnoreCase) || RawBodyTypes.Append("multipart/form-data").Any(t => type.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Counts every answer by the route that gave it (or "unmatched") and its status, with its time.</summary>
    static Func<HttpContext, RequestDelegate, Task> Measured(ServiceMetrics metrics) => async (context, next) =>
    {
        long start = Stopwatch.GetTimestamp();
        int? status = null;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            // routing has run (WebApplication puts it first), so the endpoint is known; a throw is answered 500
            var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.Record(endpoint, status ?? StatusCodes.Status500InternalServerError, Stopwatch.GetElapsedTime(start));
        }
    };

    /// <summary>401 for a request to /v1/* or /metrics without the key, as a bearer token or X-Api-Key.</summary>
    static Func<HttpContext, RequestDelegate, Task> KeyRequired(string key)
    {
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return async (context, next) =>
        {
            var path = context.Request.Path;
            if ((path.StartsWithSegments("/v1") || path.StartsWithSegments("/metrics")) && !Carries(context.Request, expected))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Error(StatusCodes.Status401Unauthorized, "this server needs its API key: send Authorization: Bearer KEY or X-Api-Key: KEY").ExecuteAsync(context);
                return;
            }
            await next(context);
        };
    }

    /// <summary>Whether the request carries the key whose SHA-256 is <paramref name="expected"/>; compared hashed, in constant time, so neither the key's bytes nor its length show in the timing.</summary>
    static bool Carries(HttpRequest request, byte[] expected)
    {
        string? given = request.Headers["X-Api-Key"].FirstOrDefault();
        if (given is null && request.Headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            given = authorization["Bearer ".Length..].Trim();
        return given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), expected);
    }

    /// <summary>Copies at most <paramref name="max"/> bytes; -1 when there are more.</summary>
    static async Task<long> Copy(Stream from, Stream to, long max, CancellationToken cancel)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancel)) > 0)
        {
            total += read;
            if (total > max) return -1;
            await to.WriteAsync(buffer.AsMemory(0, read), cancel);
        }
        return total;
    }

    /// <summary>A fresh folder only this user can read: other users on the machine must not see uploads.</summary>
    static string PrivateFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), $"samplecnn-serve-{Path.GetRandomFileName()}");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path); // a user's temp folder is already private there
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    static IResult TooLarge(long max) =>
        Error(StatusCodes.Status413PayloadTooLarge, $"the upload is larger than {max / (1024 * 1024)} MB (--max-upload-mb)");

    static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
