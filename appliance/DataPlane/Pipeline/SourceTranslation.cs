namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>How the server side picks its source address (the virtual's <c>sourceAddressTranslation</c>).</summary>
public enum SourceTranslation : byte
{
    /// <summary>The OS picks the proxy's own address toward the member (LTM automap).</summary>
    Automap,

    /// <summary>Bind to one of the virtual's SNAT addresses, spread round robin, ephemeral ports.</summary>
    SnatPool,

    /// <summary>Bind to the client's own address with IP_TRANSPARENT (LTM "none"); needs CAP_NET_ADMIN and return routing through the proxy.</summary>
    Transparent,
}
