using BackupPs.Core.Postgres;
using Xunit;

namespace BackupPs.Tests.Postgres;

public class Adler32Tests
{
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        foreach (byte x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }

    [Fact]
    public void KnownValue()
    {
        Assert.Equal(0x11E60398u, Adler32.Update(Adler32.Initial, "Wikipedia"u8));
        Assert.Equal(1u, Adler32.Update(Adler32.Initial, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void MatchesTheDefinitionForAllLengthsAndSplits()
    {
        var random = new Random(5);
        foreach (int length in new[] { 1, 15, 16, 63, 64, 65, 1000, 4095, 4096, 4097, 5552, 70000, 300_001 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            if (length > 1000)
            {
                Array.Fill(data, (byte)0xFF, 0, length / 2); // worst case for lane overflow
            }

            uint expected = Reference(data);
            Assert.Equal(expected, Adler32.Update(Adler32.Initial, data));
            int split = random.Next(length);
            Assert.Equal(expected, Adler32.Update(Adler32.Update(Adler32.Initial, data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }
}
