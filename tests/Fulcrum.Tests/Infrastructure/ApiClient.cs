using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Fulcrum.Tests.Infrastructure;

/// <summary>A management API client with HTTP Basic credentials, returning status and parsed JSON as a user sees them.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(Uri baseAddress, string? user, string? password)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
    }

    public HttpClient Http => _http;

    public sealed record Response(HttpStatusCode Status, string Text, string? ContentType, HttpResponseHeaders Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Text).RootElement;
        public int Code => (int)Status;
        public bool IsProblem => ContentType == "application/problem+json";
    }

    public Task<Response> Get(string path) => Send(HttpMethod.Get, path, null);
    public Task<Response> Post(string path, string? json) => Send(HttpMethod.Post, path, json);
    public Task<Response> Put(string path, string json) => Send(HttpMethod.Put, path, json);
    public Task<Response> Patch(string path, string json) => Send(HttpMethod.Patch, path, json);
    public Task<Response> Delete(string path) => Send(HttpMethod.Delete, path, null);

    public async Task<Response> Send(HttpMethod method, string path, string? json, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return await SendAsync(request);
    }

    public async Task<Response> SendAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Response(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType, response.Headers);
    }

    public async Task<long> Generation() => (await Get("/api/v1/config/generations?limit=1")).Json[0].GetProperty("generation").GetInt64();

    public void Dispose() => _http.Dispose();
}
