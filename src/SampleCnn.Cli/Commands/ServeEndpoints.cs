using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SampleCnn.Cli.Web;
using SampleCnn.Tagging;

namespace SampleCnn.Cli.Commands;

/// <summary>
/// serve's HTTP face: /healthz, /v1/model and /v1/tag over a <see cref="TagService"/>. An upload is streamed to a
/// private temp folder (owner-only), tagged from there and deleted; every failure is a JSON error, never a crash.
/// </summary>
internal static class ServeEndpoints
{
    /// <summary>How long a client should wait before trying again when the queue is full.</summary>
    const string RetryAfterSeconds = "1";

    /// <summary>The web defaults, leaving out what was not asked for (a null field) rather than writing null.</summary>
    static readonly JsonSerializerOptions OmitNulls = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static void Map(WebApplication app, TagService service, long maxUploadBytes)
    {
        ServePage.Map(app);
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
        app.MapPost("/v1/tag", (Delegate)((HttpContext context) => Tag(context, service, maxUploadBytes)));
    }

    static async Task<IResult> Tag(HttpContext context, TagService service, long maxUploadBytes)
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
            var tags = await service.TagAsync(file, context.RequestAborted);
            if (tags is null)
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                return Error(StatusCodes.Status503ServiceUnavailable, $"busy: {service.Queue} requests already wait for the model; try again shortly");
            }
            // the private folder's name stays private
            if (tags.Failed) return Error(StatusCodes.Status400BadRequest, $"the upload is not audio this can read: {tags.Error!.Replace(file, "upload")}");
            return Results.Json(new
            {
                model = service.Model.Path,
                duration_s = tags.Segments == 0 ? 0 : (tags.Segments - 1) * tags.HopSeconds + tags.SegmentSeconds,
                segments = tags.Segments,
                scores = tags.Tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => tags.ClipScores[p.i]),
                top = tags.Top(5).Select(t => new { tag = t.Tag, score = t.Score }),
                // the per-segment scores the tagger already has, one row per segment in the order of tags
                taggram = request.Query["taggram"] == "true"
                    ? new { segment_s = tags.SegmentSeconds, hop_s = tags.HopSeconds, tags = tags.Tags, scores = tags.SegmentScores.Chunk(tags.Tags.Count) }
                    : null,
            }, OmitNulls);
        }
        catch (Exception error) when (error is BadHttpRequestException or InvalidDataException) // a malformed form or body; a failure past here is the server's (500)
        {
            return Error(StatusCodes.Status400BadRequest, $"the upload could not be read: {error.Message}");
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
