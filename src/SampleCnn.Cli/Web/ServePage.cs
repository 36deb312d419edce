using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SampleCnn.Cli.Web;

/// <summary>
/// serve's web page at <c>/</c>: an HTML file, its style sheet and its script, embedded in this assembly (no build step,
/// nothing fetched from elsewhere, so it works offline). Each answer carries a Content-Security-Policy that lets the
/// page run only its own script and style and talk only to this server.
/// </summary>
internal static class ServePage
{
    /// <summary>Own files only; no inline script or style; the page may not be framed, post forms or change its base.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/page.css", "page.css", "text/css; charset=utf-8"),
        ("/page.js", "page.js", "text/javascript; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapMethods(path, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache"; // a restarted server with a newer page is seen at once
                return Results.Bytes(bytes, contentType);
            });
        }
    }

    static byte[] Read(string resource)
    {
        using var stream = typeof(ServePage).Assembly.GetManifestResourceStream("web/" + resource)
            ?? throw new InvalidOperationException($"the page's {resource} is not embedded in {typeof(ServePage).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
