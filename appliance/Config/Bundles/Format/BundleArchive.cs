using System.IO.Compression;

namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>
/// The zip container of a bundle. Reading checks every entry name before anything is inflated, refuses duplicates,
/// checks that each entry's local file header names the same file as its central directory record (a zip read by
/// local headers, as streaming tools do, must not show other files than the one read by the directory), and counts
/// inflated bytes as they stream out, stopping at the first limit passed: header sizes are never trusted.
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
                if (name.Contains('\0', StringComparison.Ordinal))
                {
                    throw new BundleException(BundleError.UnsafePath, $"entry '{Printable(name)}' is not a safe path: its name contains a NUL character, which would cut the name short where it is used as a file name; nothing was extracted");
                }
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
            CheckLocalHeaders(bytes.Span, entries.Count);
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

    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndOfDirectorySignature = 0x06054b50;

    /// <summary>
    /// Walks the central directory itself (ZipArchive does not expose local header offsets) and compares each record
    /// with the local file header it points at: name bytes, compression method and, unless sizes follow in a data
    /// descriptor, CRC and sizes. ZipArchive reads the central directory only, so a mismatch would otherwise pass
    /// unnoticed here and show another file to any tool that reads the local headers.
    /// </summary>
    private static void CheckLocalHeaders(ReadOnlySpan<byte> zip, int expectedEntries)
    {
        var end = FindEndOfDirectory(zip);
        if (end < 0)
        {
            throw Mismatch("its end-of-central-directory record cannot be found");
        }
        var count = U16(zip, end + 10);
        var directoryOffset = U32(zip, end + 16);
        if (count == 0xFFFF || directoryOffset == 0xFFFFFFFF)
        {
            throw Mismatch("it is a ZIP64 archive; bundles are small and never written as ZIP64");
        }
        if (count != expectedEntries)
        {
            throw Mismatch($"its end-of-directory record counts {count} entries but the directory holds {expectedEntries}");
        }
        var p = (long)directoryOffset;
        for (var i = 0; i < count; i++)
        {
            if (p + 46 > zip.Length || U32(zip, (int)p) != CentralHeaderSignature)
            {
                throw Mismatch($"central directory record {i + 1} is not where the directory says");
            }
            var at = (int)p;
            var flags = U16(zip, at + 8);
            var method = U16(zip, at + 10);
            var crc = U32(zip, at + 16);
            var compressed = U32(zip, at + 20);
            var uncompressed = U32(zip, at + 24);
            var nameLength = U16(zip, at + 28);
            var extraLength = U16(zip, at + 30);
            var commentLength = U16(zip, at + 32);
            var local = U32(zip, at + 42);
            if (at + 46 + nameLength > zip.Length)
            {
                throw Mismatch($"central directory record {i + 1} runs past the end of the file");
            }
            var name = zip.Slice(at + 46, nameLength);
            var shown = Printable(System.Text.Encoding.UTF8.GetString(name));
            if (local > int.MaxValue - 30 || local + 30 > zip.Length || U32(zip, (int)local) != LocalHeaderSignature)
            {
                throw Mismatch($"entry '{shown}' has no local file header where its directory record points");
            }
            var l = (int)local;
            var localNameLength = U16(zip, l + 26);
            if (l + 30 + localNameLength > zip.Length)
            {
                throw Mismatch($"the local header of entry '{shown}' runs past the end of the file");
            }
            var localName = zip.Slice(l + 30, localNameLength);
            if (!localName.SequenceEqual(name))
            {
                throw Mismatch($"entry '{shown}' is named '{Printable(System.Text.Encoding.UTF8.GetString(localName))}' in its local file header");
            }
            if (U16(zip, l + 8) != method)
            {
                throw Mismatch($"entry '{shown}' has another compression method in its local file header");
            }
            // Bit 3: CRC and sizes are in a data descriptor after the data, and zero in the local header.
            if ((flags & 0x8) == 0 && (U32(zip, l + 14) != crc || U32(zip, l + 18) != compressed || U32(zip, l + 22) != uncompressed))
            {
                throw Mismatch($"entry '{shown}' has another CRC or size in its local file header");
            }
            p += 46L + nameLength + extraLength + commentLength;
        }
    }

    private static int FindEndOfDirectory(ReadOnlySpan<byte> zip)
    {
        // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
        for (var i = zip.Length - 22; i >= 0 && i >= zip.Length - 22 - 0xFFFF; i--)
        {
            if (U32(zip, i) == EndOfDirectorySignature && i + 22 + U16(zip, i + 20) == zip.Length)
            {
                return i;
            }
        }
        return -1;
    }

    private static ushort U16(ReadOnlySpan<byte> s, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(at, 2));

    private static uint U32(ReadOnlySpan<byte> s, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at, 4));

    private static BundleException Mismatch(string what) =>
        new(BundleError.HeaderMismatch, $"the zip archive is inconsistent: {what}; a bundle written by fulcrum never is, so this one was altered and nothing was applied");

    private static string Printable(string name)
    {
        var s = new string([.. name.Take(128).Select(c => char.IsControl(c) ? '?' : c)]);
        return name.Length > 128 ? s + "…" : s;
    }
}
