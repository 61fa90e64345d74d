using System.Text;
using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

/// <summary>Collects decoded fields as "name: value" lines, for asserting what a decoder produced.</summary>
internal sealed class HeaderList : IHpackHeaderHandler
{
    public List<string> Fields { get; } = [];

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        Fields.Add(Encoding.Latin1.GetString(name) + ": " + Encoding.Latin1.GetString(value));
}
