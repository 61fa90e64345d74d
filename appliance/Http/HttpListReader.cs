namespace Fulcrum.Appliance.Http;

/// <summary>
/// Walks the elements of a comma-separated field value (RFC 9110 §5.6.1), each trimmed of OWS. Splitting on every comma
/// is only right for lists of bare tokens, which is all the parser reads this way (Connection, Transfer-Encoding).
/// </summary>
internal ref struct HttpListReader
{
    private readonly ReadOnlySpan<byte> _value;
    private int _position;

    public HttpListReader(ReadOnlySpan<byte> value)
    {
        _value = value;
        _position = value.IsEmpty ? -1 : 0;
    }

    /// <summary>Next element (possibly empty) and its offset inside the value; false once the value is used up.</summary>
    public bool TryNext(out ReadOnlySpan<byte> element, out int offset)
    {
        if (_position < 0)
        {
            element = default;
            offset = 0;
            return false;
        }

        var rest = _value[_position..];
        var comma = rest.IndexOf(HttpCharacters.Comma);
        var raw = comma < 0 ? rest : rest[..comma];
        element = HttpCharacters.TrimWhitespace(raw, out var leading);
        offset = _position + leading;
        _position = comma < 0 ? -1 : _position + comma + 1;
        return true;
    }
}
