namespace Fulcrum.Appliance.Dns.Wire;

/// <summary>Response codes (RFC 1035 §4.1.1; BADVERS from RFC 6891 is extended, 16).</summary>
public enum DnsRcode
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
    BadVers = 16,
}
