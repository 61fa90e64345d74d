namespace Fulcrum.Appliance.Http;

/// <summary>RFC 9112 §6.3: how long a response body is, which depends on the request as much as on the response.</summary>
public static class HttpResponseFraming
{
    /// <summary>
    /// Body framing of a response to <paramref name="requestMethod"/> with <paramref name="statusCode"/>, where
    /// <paramref name="fromHeaders"/> is what its own Transfer-Encoding / Content-Length say (None when neither is present).
    /// </summary>
    public static HttpBodyFraming Determine(HttpMethodKind requestMethod, int statusCode, HttpBodyFraming fromHeaders)
    {
        // Rule 1: these never have content, whatever the headers claim (a HEAD response's Content-Length describes the GET).
        if (requestMethod == HttpMethodKind.Head || statusCode is 204 or 304)
        {
            return HttpBodyFraming.None;
        }

        if (statusCode is >= 100 and < 200)
        {
            // After 101 the bytes belong to the upgraded protocol; other 1xx are interim and another head follows.
            return statusCode == 101 ? HttpBodyFraming.Tunnel : HttpBodyFraming.None;
        }

        // Rule 2: a 2xx to CONNECT turns the connection into a tunnel; any length headers are meaningless.
        if (requestMethod == HttpMethodKind.Connect && statusCode is >= 200 and < 300)
        {
            return HttpBodyFraming.Tunnel;
        }

        // Rules 4-8: a response with neither header (or with a coding we cannot frame) runs until the server closes.
        return fromHeaders == HttpBodyFraming.None ? HttpBodyFraming.UntilClose : fromHeaders;
    }
}
