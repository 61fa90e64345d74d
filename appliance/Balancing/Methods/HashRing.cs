namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// A ketama-style ring (members placed at <c>points × ratio</c> hashed points, a key goes to the next point
/// clockwise). Not used for picks: kept so tests and benchmarks can measure it against <see cref="MaglevTable"/>.
/// </summary>
internal sealed class HashRing
{
    private readonly ulong[] _points;
    private readonly int[] _owners;

    private HashRing(ulong[] points, int[] owners)
    {
        _points = points;
        _owners = owners;
    }

    public static HashRing Build(IReadOnlyList<string> keys, IReadOnlyList<int> weights, int pointsPerMember = 160)
    {
        var list = new List<(ulong Point, int Owner)>();
        for (var i = 0; i < keys.Count; i++)
        {
            for (var p = 0; p < pointsPerMember * Math.Max(1, weights[i]); p++)
            {
                list.Add((StableHash.Of(keys[i], (ulong)p + 1), i));
            }
        }
        list.Sort((a, b) => a.Point.CompareTo(b.Point));
        return new HashRing([.. list.Select(x => x.Point)], [.. list.Select(x => x.Owner)]);
    }

    public int Lookup(ulong hash)
    {
        var i = Array.BinarySearch(_points, hash);
        if (i < 0)
        {
            i = ~i;
        }
        return _owners[i == _points.Length ? 0 : i];
    }
}
