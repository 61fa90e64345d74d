using System.Collections.Frozen;
using System.Text;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>
/// Responses the proxy writes itself (parser refusals, no member, bad gateway, timeouts), built once at startup.
/// Each closes the connection: after a refusal the proxy cannot know where the next request would start.
/// </summary>
public static class LocalResponses
{
    private static readonly FrozenDictionary<int, byte[]> Built = new Dictionary<int, string>
    {
        [400] = "Bad Request",
        [405] = "Method Not Allowed",
        [408] = "Request Timeout",
        [413] = "Content Too Large",
        [414] = "URI Too Long",
        [417] = "Expectation Failed",
        [431] = "Request Header Fields Too Large",
        [500] = "Internal Server Error",
        [501] = "Not Implemented",
        [502] = "Bad Gateway",
        [503] = "Service Unavailable",
        [504] = "Gateway Timeout",
        [505] = "HTTP Version Not Supported",
    }.ToFrozenDictionary(p => p.Key, p => Build(p.Key, p.Value));

    /// <summary>The whole response (head and a one-line body) for <paramref name="status"/>; 500 for an unknown code.</summary>
    public static byte[] Get(int status) => Built.TryGetValue(status, out var bytes) ? bytes : Built[500];

    private static byte[] Build(int status, string reason)
    {
        var body = $"{status} {reason}\n";
        // 405 is CONNECT refused (the http profile's allowConnect); RFC 9110 §15.5.6 wants the methods that do work.
        var allow = status == 405 ? "Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE\r\n" : "";
        return Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n{allow}Connection: close\r\nCache-Control: no-store\r\n\r\n{body}");
    }
}
