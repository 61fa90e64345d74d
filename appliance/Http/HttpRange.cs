namespace Fulcrum.Appliance.Http;

/// <summary>Where some bytes sit inside <see cref="HttpMessageHead.Raw"/>; used instead of strings or slices that could outlive the buffer.</summary>
public readonly record struct HttpRange(int Offset, int Length)
{
    public bool IsEmpty => Length == 0;
}
