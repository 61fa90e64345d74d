using System.IO.Compression;

namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>
/// The zip container of a bundle. Reading checks every entry name before anything is inflated, refuses duplicates,
/// and counts inflated bytes as they stream out, stopping at the first limit passed: header sizes are never trusted.
/// </summary>
public static class BundleArchive
{
    private const int Chunk = 64 * 1024;

    public static IReadOnlyDictionary<string, byte[]> Read(ReadOnlyMemory<byte> bytes, BundleLimits limits)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new BundleException(BundleError.Truncated, $"the file is not a complete zip archive (cut short, or not a bundle): {ex.Message}");
        }
        using (zip)
        {
            IReadOnlyCollection<ZipArchiveEntry> entries;
            try
            {
                entries = zip.Entries;
            }
            catch (InvalidDataException ex)
            {
                throw new BundleException(BundleError.Truncated, $"the zip directory is damaged or cut short: {ex.Message}");
            }
            if (entries.Count > limits.MaxEntries)
            {
                throw new BundleException(BundleError.TooManyEntries, $"the bundle has {entries.Count} entries; at most {limits.MaxEntries} are allowed");
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                var name = e.FullName;
                var isDirectory = name.EndsWith('/') && e.Length == 0;
                if (!BundleLayout.IsSafe(isDirectory ? name[..^1] : name))
                {
                    throw new BundleException(BundleError.UnsafePath, $"entry '{Printable(name)}' is not a safe relative path (absolute, '..', backslash or unexpected characters); nothing was extracted");
                }
                if (!seen.Add(name))
                {
                    throw new BundleException(BundleError.DuplicateEntry, $"entry '{name}' appears more than once; a bundle holds each file once");
                }
            }
            var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            long total = 0;
            foreach (var e in entries)
            {
                if (e.FullName.EndsWith('/'))
                {
                    continue;
                }
                files[e.FullName] = Inflate(e, limits, ref total);
            }
            return files;
        }
    }

    private static byte[] Inflate(ZipArchiveEntry entry, BundleLimits limits, ref long total)
    {
        var ratioCap = Math.Max(limits.RatioFloorBytes, entry.CompressedLength * limits.MaxRatio);
        using var output = new MemoryStream();
        var buffer = new byte[Chunk];
        try
        {
            using var input = entry.Open();
            int n;
            while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, n);
                total += n;
                if (total > limits.MaxTotalBytes)
                {
                    throw new BundleException(BundleError.UncompressedTooLarge, $"the bundle inflates to more than {limits.MaxTotalBytes} bytes in total (stopped in '{entry.FullName}')");
                }
                if (output.Length > limits.MaxEntryBytes)
                {
                    throw new BundleException(BundleError.UncompressedTooLarge, $"entry '{entry.FullName}' inflates to more than {limits.MaxEntryBytes} bytes");
                }
                if (output.Length > ratioCap)
                {
                    throw new BundleException(BundleError.CompressionRatio, $"entry '{entry.FullName}' inflates to more than {limits.MaxRatio} times its compressed size of {entry.CompressedLength} bytes: a zip bomb");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new BundleException(BundleError.CorruptEntry, $"entry '{entry.FullName}' is damaged or cut short: {ex.Message}");
        }
        return output.ToArray();
    }

    /// <summary>Writes the files in name order, with a fixed timestamp, so the same content makes the same archive.</summary>
    public static byte[] Write(IReadOnlyDictionary<string, byte[]> files, DateTimeOffset time)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = time;
                using var s = entry.Open();
                s.Write(content);
            }
        }
        return stream.ToArray();
    }

    private static string Printable(string name)
    {
        var s = new string([.. name.Take(128).Select(c => char.IsControl(c) ? '?' : c)]);
        return name.Length > 128 ? s + "…" : s;
    }
}
