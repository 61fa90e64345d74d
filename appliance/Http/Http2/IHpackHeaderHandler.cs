namespace Fulcrum.Appliance.Http.Http2;

/// <summary>Receives each decoded field. The spans are valid only during the call.</summary>
public interface IHpackHeaderHandler
{
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}
