namespace Fulcrum.Appliance.Http;

/// <summary>Connection header tokens the proxy acts on; other tokens are listed in <see cref="HttpMessageHead.ConnectionTokens"/>.</summary>
[Flags]
public enum HttpConnectionOptions : byte
{
    None = 0,
    Close = 1,
    KeepAlive = 2,
    Upgrade = 4,
}
