using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SampleCnn.Tagging;

namespace SampleCnn.Cli.Commands;

/// <summary>
/// serve's HTTP face: /healthz, /v1/model, /v1/tag and /v1/embed over a <see cref="TagService"/>. An upload is streamed to a
/// private temp folder (owner-only), tagged from there and deleted; every failure is a JSON error, never a crash.
/// </summary>
internal static class ServeEndpoints
{
    /// <summary>How long a client should wait before trying again when the queue is full or a request timed out.</summary>
    const string RetryAfterSeconds = "1";

    public static void Map(WebApplication app, TagService service, long maxUploadBytes)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
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
        app.MapPost("/v1/tag", (Delegate)((HttpContext context) => Upload(context, service, maxUploadBytes, tags => Results.Json(new
        {
            model = service.Model.Path,
            duration_s = tags.Segments == 0 ? 0 : (tags.Segments - 1) * tags.HopSeconds + tags.SegmentSeconds,
            segments = tags.Segments,
            scores = tags.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => tags.ClipScores[p.i]),
            top = tags.Top(5).Select(t => new { tag = t.Tag, score = t.Score }),
        }))));
        // `embed`'s default: the vector the dense output layer reads, averaged over the segments
        app.MapPost("/v1/embed", (Delegate)((HttpContext context) => service.CannotEmbed is { } why
            ? Task.FromResult(Error(StatusCodes.Status501NotImplemented, $"this model gives no embeddings: {why}"))
            : Upload(context, service, maxUploadBytes, tags => Results.Json(new
            {
                model = service.Model.Path,
                layer = "penultimate",
                pool = "mean",
                width = tags.Embedding!.Length,
                embedding = tags.Embedding,
            }))));
    }

    /// <summary>
    /// An upload's way through the service, the same for every verb: streamed to a private folder (within the size limit),
    /// queued, and answered by <paramref name="answer"/> when tagged, or with the JSON error saying why not.
    /// </summary>
    static async Task<IResult> Upload(HttpContext context, TagService service, long maxUploadBytes, Func<FileTags, IResult> answer)
    {
        var request = context.Request;
        if (request.ContentLength > maxUploadBytes) return TooLarge(maxUploadBytes);
        var folder = PrivateFolder();
        try
        {
            var file = Path.Combine(folder, "upload");
            Stream body = request.Body;
            // only a multipart form carries a file; curl --data-binary labels a raw body as a urlencoded form
            if (request.HasFormContentType && request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var form = await request.ReadFormAsync(context.RequestAborted);
                if (form.Files.Count == 0) return Error(StatusCodes.Status400BadRequest, "the form holds no file: send the audio as a file field, or as the raw body");
                body = form.Files[0].OpenReadStream();
            }
            long length;
            await using (body)
            await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
                length = await Copy(body, output, maxUploadBytes, context.RequestAborted);
            if (length < 0) return TooLarge(maxUploadBytes);
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
            return answer(tags);
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
