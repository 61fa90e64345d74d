using System.Buffers;
using System.Threading.Channels;
using Fulcrum.Appliance.Stats;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Logging;

/// <summary>
/// Writes access-log lines to <c>DATA/logs/access.log</c> from a bounded channel, on its own task. The data plane only
/// calls <see cref="TryWrite"/>, which never waits: when the writer falls behind the entry is dropped and counted
/// (<c>fulcrum_accesslog_dropped_total</c>), so a slow disk cannot slow traffic.
/// </summary>
public sealed class AccessLogWriter : BackgroundService
{
    public const int Capacity = 16384;

    private readonly Channel<AccessLogEntry> _channel = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
        SingleWriter = false,
    });

    private readonly DataPlaneCounters _counters;
    private readonly ILogger _logger;

    public AccessLogWriter(DataPlaneOptions options, DataPlaneCounters counters, ILogger<AccessLogWriter> logger)
    {
        Path = System.IO.Path.Combine(options.LogDirectory, "access.log");
        _counters = counters;
        _logger = logger;
    }

    public string Path { get; }

    public void TryWrite(in AccessLogEntry entry)
    {
        // With DropWrite a full channel still reports success; compare the count to know it was dropped.
        if (_channel.Reader.Count >= Capacity || !_channel.Writer.TryWrite(entry))
        {
            ArrayPool<byte>.Shared.Return(entry.RequestLine);
            _counters.AccessLogDrop();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        StreamWriter? output = null;
        try
        {
            while (await _channel.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (output is null)
                    {
                        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                        output = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 65536), bufferSize: 65536);
                    }
                    while (_channel.Reader.TryRead(out var entry))
                    {
                        try
                        {
                            entry.Format.Write(output, entry);
                            _counters.AccessLogWrite();
                        }
                        finally
                        {
                            ArrayPool<byte>.Shared.Return(entry.RequestLine);
                        }
                    }
                    await output.FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    DataPlaneLog.AccessLogFailed(_logger, ex, Path);
                    await Task.Delay(1000, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (output is not null)
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
