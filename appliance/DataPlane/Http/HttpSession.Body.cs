using System.Runtime.CompilerServices;
using System.Buffers;
using System.IO.Pipelines;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>Body streaming, either direction: bounded (one pipe segment in flight), framing checked as bytes pass.</summary>
internal sealed partial class HttpSession
{
    /// <summary>
    /// Copies one body from <paramref name="source"/> to <paramref name="destination"/> as it arrives. Content-Length
    /// bodies stop at their length (the next message stays in the pipe); chunked bodies go through the decoder, which
    /// validates every byte before it is forwarded, and end exactly at the last chunk's trailer; until-close and tunnel
    /// copies end at the source's FIN. The source is read again only after the previous piece was written, so a slow
    /// destination holds the sender back (backpressure) and memory stays at one segment per direction.
    /// </summary>
    [AsyncMethodBuilder(typeof(Fulcrum.Appliance.DataPlane.Async.PooledValueTaskBuilder<>))]
    private async ValueTask<BodyResult> CopyBodyAsync(PipeReader source, ProxySide destination, HttpBodyFraming framing, long length, HttpChunkedDecoder? chunks, TerminationCause timeoutCause)
    {
        var countResponse = ReferenceEquals(destination, _ctx.Client);
        chunks?.Reset();
        var idle = _plan.IdleTimeoutMs;
        var remaining = length;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await source.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsIo(ex))
            {
                await FlushQuietlyAsync(destination).ConfigureAwait(false);
                return BodyResult.SourceFailed;
            }
            if (read.IsCanceled)
            {
                return BodyResult.SourceFailed;
            }
            var buffer = read.Buffer;
            ReadOnlySequence<byte> take;
            ReadOnlySequence<byte>? send = null;
            var done = false;
            switch (framing)
            {
                case HttpBodyFraming.ContentLength:
                    take = buffer.Length > remaining ? buffer.Slice(0, remaining) : buffer;
                    remaining -= take.Length;
                    done = remaining == 0;
                    break;
                case HttpBodyFraming.Chunked:
                    var r = chunks!.Decode(buffer);
                    if (r.IsError)
                    {
                        source.AdvanceTo(buffer.Start, buffer.End);
                        await FlushQuietlyAsync(destination).ConfigureAwait(false);
                        return BodyResult.Invalid;
                    }
                    take = buffer.Slice(0, r.Consumed);
                    if (chunks.FiltersTrailers)
                    {
                        // The trailer section is held by the decoder and written, filtered, once the body ends.
                        send = buffer.Slice(0, chunks.LastForwardable);
                    }
                    done = r.IsComplete;
                    break;
                default:
                    take = buffer;
                    break;
            }
            var piece = send ?? take;
            if (!piece.IsEmpty || (done && send is not null))
            {
                try
                {
                    await destination.WriteAsync(piece).ConfigureAwait(false);
                    if (done && send is not null)
                    {
                        var span = destination.GetSpan(chunks!.TrailerSectionMaxLength);
                        destination.Advance(chunks.CopyTrailerSection(span));
                    }
                    if (!done)
                    {
                        await destination.FlushAsync().ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (IsIo(ex))
                {
                    source.AdvanceTo(take.End);
                    return BodyResult.DestinationFailed;
                }
                if (countResponse)
                {
                    _responseBytes += take.Length;
                }
            }
            source.AdvanceTo(take.End, take.Length == buffer.Length ? buffer.End : take.End);
            if (done)
            {
                try
                {
                    await destination.FlushAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (IsIo(ex))
                {
                    return BodyResult.DestinationFailed;
                }
                return BodyResult.Done;
            }
            if (read.IsCompleted && take.Length == buffer.Length)
            {
                // The source ended: the natural end of an until-close body or a tunnel direction; early for the others.
                await FlushQuietlyAsync(destination).ConfigureAwait(false);
                return framing is HttpBodyFraming.UntilClose or HttpBodyFraming.Tunnel ? BodyResult.Done : BodyResult.SourceFailed;
            }
            _ctx.SetDeadline(idle, timeoutCause);
        }
    }

    private static async ValueTask FlushQuietlyAsync(ProxySide side)
    {
        try
        {
            await side.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsIo(ex))
        {
        }
    }
}
