using System.Diagnostics;
using System.Text;
using BackupPs.Core.Compression;
using Xunit;

namespace BackupPs.Tests.Compression;

/// <summary>Test data and command-line helpers shared by the compression (and storage) tests.</summary>
internal static class CompressionTestData
{
    private static readonly string[] Words =
    [
        "invoice", "customer", "shipped", "pending", "refund", "postgres", "backup", "raspberry", "order",
        "delivery", "warehouse", "berlin", "lisbon", "tokyo", "quantity", "discount", "the", "a", "of", "and",
        "payment", "received", "cancelled", "priority", "express", "standard", "note", "return", "label",
    ];

    private static readonly string[] Names =
    [
        "Ana", "Bruno", "Chen", "Dara", "Emil", "Fatima", "Goran", "Hana", "Ivo", "Jun", "Kofi", "Lea",
        "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tomas",
    ];

    /// <summary>Incompressible bytes.</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text shaped like the COPY section of a plain pg_dump: tab-separated rows with varied content.</summary>
    public static byte[] SqlCopyText(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length + 512);
        text.Append("COPY public.orders (id, customer, email, created_at, amount, status, attrs, note) FROM stdin;\n");
        long id = 1;
        while (text.Length < length)
        {
            AppendRow(text, random, id++);
            if (id % 5000 == 0)
            {
                text.Append("\\.\n\nCOPY public.orders (id, customer, email, created_at, amount, status, attrs, note) FROM stdin;\n");
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }

    public static void AppendRow(StringBuilder text, Random random, long id)
    {
        string first = Names[random.Next(Names.Length)];
        string last = Names[random.Next(Names.Length)];
        text.Append(id).Append('\t')
            .Append(first).Append(' ').Append(last).Append('\t')
            .Append(first.ToLowerInvariant()).Append('.').Append(last.ToLowerInvariant()).Append(random.Next(1000)).Append("@example.org\t")
            .Append(new DateTime(2020, 1, 1).AddSeconds(random.Next(150_000_000)).ToString("yyyy-MM-dd HH:mm:ss")).Append('.').Append(random.Next(1_000_000).ToString("D6")).Append("+00\t")
            .Append(random.Next(100_000) / 100.0).Append('\t')
            .Append(Words[random.Next(2, 5)]).Append('\t')
            .Append("{\"qty\": ").Append(random.Next(1, 50)).Append(", \"sku\": \"SKU-").Append(random.Next(100_000).ToString("D5")).Append("\", \"gift\": ").Append(random.Next(2) == 0 ? "false" : "true").Append("}\t");
        int words = random.Next(0, 14);
        if (words == 0)
        {
            text.Append("\\N");
        }

        for (int w = 0; w < words; w++)
        {
            text.Append(w == 0 ? string.Empty : " ").Append(Words[random.Next(Words.Length)]);
        }

        text.Append('\n');
    }

    public static byte[] Compress(CompressionKind kind, byte[] data, int? level = null)
    {
        using var output = new MemoryStream();
        using (CompressorStream compressor = CompressionStreams.CreateCompressor(kind, output, level))
        {
            compressor.Write(data);
            compressor.Finish();
        }

        return output.ToArray();
    }

    public static byte[] Decompress(byte[] compressed)
    {
        using var input = new MemoryStream(compressed);
        using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(input);
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }
}

/// <summary>A scratch directory deleted at the end of a test.</summary>
internal sealed class TempTestDirectory : IDisposable
{
    public TempTestDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "backupps-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
