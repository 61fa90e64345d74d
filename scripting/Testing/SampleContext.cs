using System.Net;
using System.Text;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Scripting.Testing;

/// <summary>
/// The test bench's stand-in for the proxy: one sample connection whose every contract call is recorded, so the
/// bench can say which pool was chosen, what was sent where, and what the client got. Also the model for the proxy's
/// own implementation of the contracts.
/// </summary>
public sealed class SampleContext : IRuleEventContext, IRuleHttp, IRuleTcp, IRuleBalancer, IRulePersistence, IRuleSsl
{
    private readonly RuleSample _sample;
    private readonly Dictionary<string, IReadOnlyList<SampleMember>>? _pools;
    private readonly bool _anyPool;

    public SampleContext(RuleSample sample, IReadOnlyDictionary<string, IReadOnlyList<SampleMember>>? configPools = null)
    {
        _sample = sample;
        Client = Endpoint(sample.Client);
        Local = sample.Local is null ? new IPEndPoint(IPAddress.Parse("192.0.2.10"), sample.Request is null ? 9000 : 80) : Endpoint(sample.Local);
        if (configPools is not null || sample.Pools is not null)
        {
            _pools = new(StringComparer.Ordinal);
            foreach (var (name, members) in configPools ?? new Dictionary<string, IReadOnlyList<SampleMember>>())
            {
                _pools[name] = members;
            }
            foreach (var (name, pool) in sample.Pools ?? [])
            {
                _pools[name] = pool.All();
            }
        }
        _anyPool = _pools is null;
        if (sample.Request is { } r)
        {
            Method = r.Method;
            Uri = r.Uri;
            Version = r.Version;
            RequestHeaders = HeaderList.From(r.Headers);
            RequestBody = Encoding.UTF8.GetBytes(r.Body);
        }
        else
        {
            RequestHeaders = new HeaderList();
        }
        Payload = sample.Payload is null ? ReadOnlyMemory<byte>.Empty : Encoding.Latin1.GetBytes(sample.Payload);
    }

    private static IPEndPoint Endpoint(SampleEndpoint e) =>
        new(IPAddress.TryParse(e.Ip, out var ip) ? ip : throw new FormatException($"'{e.Ip}' is not an IP address"), e.Port);

    // IRuleEventContext
    public string VirtualServer => _sample.VirtualServer;
    public IPEndPoint Client { get; }
    public IPEndPoint Local { get; }
    public IPEndPoint? Server { get; set; }
    public IRuleHttp? Http => _sample.Request is null ? null : this;
    public IRuleTcp Tcp => this;
    public IRuleBalancer Balancer => this;
    public IRulePersistence Persistence => this;
    public IRuleSsl? Ssl => _sample.Ssl is null ? null : this;
    /// <summary>The test bench has no member to shake hands with: SERVERSSL_HANDSHAKE is not run, and ctx.server.ssl is null.</summary>
    public IRuleServerSsl? ServerSsl => null;

    // IRuleHttp
    public string Method { get; } = "GET";
    public string Uri { get; set; } = "/";
    public string Version { get; } = "1.1";
    public IRuleHeaders RequestHeaders { get; }
    public HeaderList? ResponseList { get; set; }
    public IRuleHeaders? ResponseHeaders => ResponseList;
    public int Status { get; set; }
    public string Reason { get; set; } = "";
    public ReadOnlyMemory<byte> RequestBody { get; set; }
    public ReadOnlyMemory<byte> ResponseBody { get; set; }
    public int? RequestCollect { get; private set; }
    public int? ResponseCollect { get; private set; }
    public bool RetryRequested { get; set; }

    public void Collect(int maxBytes, bool response)
    {
        if (response)
        {
            ResponseCollect = maxBytes;
        }
        else
        {
            RequestCollect = maxBytes;
        }
    }

    public void ReplaceBody(ReadOnlyMemory<byte> body, bool response)
    {
        if (response)
        {
            ResponseBody = body;
        }
        else
        {
            RequestBody = body;
        }
    }

    /// <summary>Retries allowed per request, as in the proxy; one more is a rule error.</summary>
    public const int MaxRetries = Compilation.RuleLimits.MaxRetries;

    public int Retries { get; private set; }

    public void Retry()
    {
        if (Retries >= MaxRetries)
        {
            throw new InvalidOperationException($"ctx.http.retry(): this request was already retried {MaxRetries} times, the limit per request");
        }
        Retries++;
        RetryRequested = true;
    }

    // IRuleTcp: acts on the side of the event being run, as in the proxy (the bench sets ServerSide before each event).
    public bool ServerSide { get; set; }
    /// <summary>Client bytes asked for (CLIENT_ACCEPTED, CLIENT_DATA).</summary>
    public int? TcpCollect { get; private set; }
    /// <summary>Server bytes asked for (SERVER_CONNECTED, SERVER_DATA).</summary>
    public int? ServerCollect { get; set; }
    public ReadOnlyMemory<byte> Payload { get; set; }
    public StringBuilder ClientReceived { get; } = new();
    public StringBuilder ServerReceived { get; } = new();
    public bool Released { get; set; }

    /// <summary>Sets <c>ctx.tcp.timedOut</c> for the data events the bench runs (a sample's <c>timedOut</c>).</summary>
    public bool TimedOut { get; set; }

    /// <summary>The wait the rule gave its last collect (0: the profile's).</summary>
    public int CollectTimeoutMs { get; private set; }

    void IRuleTcp.Collect(int bytes, int timeoutMs)
    {
        CollectTimeoutMs = timeoutMs;
        if (ServerSide)
        {
            ServerCollect = bytes;
        }
        else
        {
            TcpCollect = bytes;
        }
    }

    public void ReplacePayload(ReadOnlyMemory<byte> payload) => Payload = payload;

    /// <summary>To the peer of the event's side: the client in CLIENT_*, the server in SERVER_DATA.</summary>
    public void Respond(ReadOnlyMemory<byte> data) => (ServerSide ? ServerReceived : ClientReceived).Append(Encoding.Latin1.GetString(data.Span));

    public void Release()
    {
        Released = true;
        ReleasedBytes = null;
    }

    /// <summary>With <see cref="Released"/>: the bytes <c>release(n)</c> let go on; null: all of them.</summary>
    public int? ReleasedBytes { get; set; }

    public void Release(int bytes)
    {
        Released = true;
        ReleasedBytes = bytes;
    }

    // IRuleBalancer
    public string? ChosenPool { get; private set; }
    public string? ChosenMember { get; private set; }
    public bool ReselectRequested { get; set; }
    public string? Selected { get; set; }
    public bool MarkedDown { get; private set; }

    public bool PoolExists(string pool) => _anyPool || _pools!.ContainsKey(pool);

    public void SelectPool(string pool, string? member)
    {
        ChosenPool = pool;
        ChosenMember = member;
    }

    /// <summary>As the proxy: a member of a configured pool picks that pool; any other address is a node (pool <c>-</c>).</summary>
    public void SelectMember(string address, int port)
    {
        ChosenPool = _pools?.Where(p => p.Value.Any(m => m.Address == address && m.Port == port)).Select(p => p.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        ChosenMember = $"{address}:{port}";
    }

    /// <summary>The key a <c>hashKey: rule</c> pool would hash (null: the client address).</summary>
    public string? ChosenHashKey { get; private set; }

    public void HashKey(string? key) => ChosenHashKey = key;

    public void Reselect() => ReselectRequested = true;

    public void MarkDown() => MarkedDown = true;

    public int ActiveMembers(string pool) => Members(pool) is { } m ? m.Count(x => x.Up) : -1;

    internal IReadOnlyList<SampleMember>? Members(string pool) =>
        _anyPool ? [new SampleMember()] : _pools!.GetValueOrDefault(pool);

    // IRulePersistence
    public string? PersistenceChoice { get; private set; }

    public void Source(int timeoutMs) => PersistenceChoice = $"source {timeoutMs}";

    public void Cookie(string? name, int timeoutMs) => PersistenceChoice = $"cookie {name ?? "(profile)"} {timeoutMs}";

    public void Universal(string key, int timeoutMs) => PersistenceChoice = $"universal {key} {timeoutMs}";

    public void None() => PersistenceChoice = "none";

    // IRuleSsl
    public string? ServerName => _sample.Ssl?.Sni;
    public string? Protocol => _sample.Ssl?.Protocol;
    public string? Cipher => _sample.Ssl?.Cipher;
    public string? ClientCertificateSubject => _sample.Ssl?.ClientCertificate;
    public string? ClientCertificateIssuer => _sample.Ssl?.ClientCertificateIssuer;
    public string? ClientCertificateSerial => _sample.Ssl?.ClientCertificateSerial;
    public string? ClientCertificateFingerprint => _sample.Ssl?.ClientCertificateFingerprint;
    public string ClientCertificateVerify => _sample.Ssl?.ClientCertificate is null ? "none" : "ok";
    public IReadOnlyList<string> OfferedAlpn => _sample.Ssl?.AlpnOffered ?? [];
    public IReadOnlyList<string> OfferedVersions => _sample.Ssl?.VersionsOffered ?? ["tls1.3", "tls1.2"];
    public string? Alpn => _sample.Ssl?.Alpn;
    public bool Resumed => _sample.Ssl?.Resumed ?? false;

    /// <summary>The certificate a rule picked in CLIENTSSL_CLIENTHELLO.</summary>
    public string? ChosenCertificate { get; private set; }

    public bool UseCertificate(string name)
    {
        if (_sample.Ssl?.Certificates is { } listed && !listed.Contains(name))
        {
            return false;
        }
        ChosenCertificate = name;
        return true;
    }
}
