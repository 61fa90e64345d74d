using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Tcp;

/// <summary>
/// proxyBufferHigh and proxyBufferLow from the outside: the same upload through two L4 virtuals toward a member that
/// reads slowly, differing only in the client side's low mark. The status counts how often the pump stopped reading
/// the client at the high mark; a low mark far below the high one resumes for a batch of at least high − low bytes,
/// one just below it resumes for every few kilobytes the member takes. Bytes arrive intact either way.
/// </summary>
public sealed class ProxyBufferMarksTests : IClassFixture<ApplianceFixture>
{
    private const int High = 65536;
    private const int Upload = 2 << 20;

    private readonly ApplianceFixture _f;

    public ProxyBufferMarksTests(ApplianceFixture f)
    {
        _f = f;
    }

    [Fact]
    public async Task LowMark_DecidesHowMuchIsReadAfterEachPause()
    {
        // The server side sends in small segments into a small buffer, so the member's slow reads reach the pump.
        await DataPlaneApi.ProfileAsync(_f.Admin, "tcp", """{"name":"marks-server","sendBufferSize":4096,"maxSegmentSize":1200}""");
        await DataPlaneApi.ProfileAsync(_f.Admin, "tcp", $$"""{"name":"marks-wide","proxyBufferHigh":{{High}},"proxyBufferLow":4096}""");
        await DataPlaneApi.ProfileAsync(_f.Admin, "tcp", $$"""{"name":"marks-narrow","proxyBufferHigh":{{High}},"proxyBufferLow":{{High - 4096}}}""");

        var wide = await UploadAsync("marks-wide");
        var narrow = await UploadAsync("marks-narrow");

        // Every resume follows a pause; each wide cycle reads at least high − low bytes before it pauses again.
        Assert.InRange(wide.Pauses, 1, Upload / (High - 4096) + 2);
        Assert.InRange(wide.Resumes, wide.Pauses - 1, wide.Pauses);
        Assert.True(narrow.Pauses > 3 * wide.Pauses, $"narrow {narrow.Pauses} pauses, wide {wide.Pauses}");
    }

    private async Task<(long Pauses, long Resumes)> UploadAsync(string clientProfile)
    {
        var payload = RandomNumberGenerator.GetBytes(Upload);
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = new RawBackend(async s =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[2048];
            var sinceBreath = 0;
            while (true)
            {
                var n = await s.ReceiveAsync(buffer);
                if (n == 0)
                {
                    break;
                }
                hash.AppendData(buffer, 0, n);
                sinceBreath += n;
                if (sinceBreath >= 8192)
                {
                    // The member is slower than the client: the backlog builds in the proxy, which is what is measured.
                    sinceBreath = 0;
                    await Task.Delay(1);
                }
            }
            received.TrySetResult(hash.GetHashAndReset());
        });
        var name = clientProfile;
        await _f.Admin.PoolAsync(name, [slow.Port]);
        var port = await _f.Admin.VirtualAsync(name, name, "\"tcp\"", $$""","clientSideTcp":"{{clientProfile}}","serverSideTcp":"marks-server" """);

        using (var c = await RawClient.ConnectAsync(port))
        {
            await c.SendAsync(payload);
            c.Shutdown(SocketShutdown.Send);
            Assert.Equal(SHA256.HashData(payload), await received.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }

        var side = (await _f.Admin.VirtualStatusAsync(name)).GetProperty("tcp").GetProperty("clientSide").GetProperty("proxyBuffer");
        return (side.GetProperty("pauses").GetInt64(), side.GetProperty("resumes").GetInt64());
    }
}
