using System.Net;
using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Logging;

/// <summary>
/// One request's facts, captured on the data plane without formatting (formatting happens on the writer's thread).
/// Strings here already exist (names from the config); the request line is copied into a pooled buffer the writer returns.
/// </summary>
public readonly record struct AccessLogEntry(
    AccessLogFormat Format,
    DateTimeOffset Time,
    IPEndPoint Client,
    string Virtual,
    string? Pool,
    string? Member,
    int ConnectMs,
    int ResponseMs,
    int TotalMs,
    int Status,
    long Bytes,
    TerminationCause Cause,
    byte[] RequestLine,
    int RequestLineLength);
