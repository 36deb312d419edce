using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SampleCnn.Models;

/// <summary>
/// PyTorch's legacy file format (torch.save before 1.6, as Won et al.'s checkpoints were saved with torch 1.2),
/// rewritten as the zip format TorchSharp.PyBridge reads. The legacy file is five pickles (magic number, protocol,
/// system info, the object, its storage keys) followed, for each key in that order, by an int64 element count and
/// the raw elements. The object's pickle stays as it is (its storages are persistent ids naming their key and type,
/// which the zip format shares); only each storage's type is read from it, to know its byte length.
/// </summary>
internal static class LegacyPyTorchFile
{
    /// <summary>A pickle's first byte (PROTO), where a zip archive starts with "PK".</summary>
    public const byte PickleStart = 0x80;

    /// <summary>The same file in the zip format.</summary>
    public static MemoryStream ToZip(byte[] file)
    {
        try
        {
            return Rewrite(file);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException("a legacy PyTorch file cut short or damaged", e);
        }
    }

    static MemoryStream Rewrite(byte[] file)
    {
        int at = 0;
        for (int i = 0; i < 3; i++) at = Scan(file, at, null, null); // magic number, protocol version, system info
        var types = new Dictionary<string, string>();
        int objectStart = at;
        at = Scan(file, at, types, null);
        var objectPickle = file[objectStart..at];
        var keys = new List<string>();
        at = Scan(file, at, null, keys);

        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(archive, "archive/data.pkl", objectPickle);
            foreach (var key in keys)
            {
                var count = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(at, 8));
                at += 8;
                var bytes = checked((int)(count * ElementSize(types.GetValueOrDefault(key) ?? throw new InvalidDataException($"storage {key} has no type in the file"))));
                if (at + bytes > file.Length) throw new InvalidDataException($"storage {key} runs past the end of the file");
                Write(archive, $"archive/data/{key}", file.AsSpan(at, bytes));
                at += bytes;
            }
            Write(archive, "archive/version", "3\n"u8);
        }
        zip.Position = 0;
        return zip;
    }

    static void Write(ZipArchive archive, string name, ReadOnlySpan<byte> bytes)
    {
        using var entry = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
        entry.Write(bytes);
    }

    static int ElementSize(string storage) => storage switch
    {
        "DoubleStorage" or "LongStorage" or "ComplexFloatStorage" => 8,
        "FloatStorage" or "IntStorage" => 4,
        "HalfStorage" or "ShortStorage" or "BFloat16Storage" => 2,
        "CharStorage" or "ByteStorage" or "BoolStorage" => 1,
        "ComplexDoubleStorage" => 16,
        _ => throw new InvalidDataException($"unknown storage type {storage}"),
    };

    /// <summary>
    /// Walks one pickle from <paramref name="at"/> to its STOP and returns the position after it. Strings and globals
    /// are followed through the memo so that a persistent id ("storage", type, key, ...) gives key -> type
    /// (<paramref name="types"/>); <paramref name="strings"/> collects every string pushed, in order.
    /// </summary>
    static int Scan(byte[] p, int at, Dictionary<string, string>? types, List<string>? strings)
    {
        var memo = new Dictionary<long, object?>();
        var recent = new List<object?>(); // the last values pushed: a string, a Global, or null for anything else
        object? last = null;
        void Push(object? value)
        {
            last = value;
            if (value is string s)
            {
                strings?.Add(s);
                if (types is not null && recent.Count >= 2 && recent[^2] is "storage" && recent[^1] is Global g) types[s] = g.Name;
            }
            recent.Add(value);
            if (recent.Count > 2) recent.RemoveAt(0);
        }
        int Int(int bytes) { var v = bytes switch { 1 => p[at], 2 => BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(at)), 4 => BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(at)), _ => (long)BinaryPrimitives.ReadInt64LittleEndian(p.AsSpan(at)) }; at += bytes; return checked((int)v); }
        string Text(int length) { var s = Encoding.UTF8.GetString(p, at, length); at += length; return s; }
        string Line() { int end = Array.IndexOf(p, (byte)'\n', at); if (end < 0) throw new InvalidDataException("a pickle line runs past the end"); var s = Encoding.UTF8.GetString(p, at, end - at); at = end + 1; return s; }

        while (true)
        {
            if (at >= p.Length) throw new InvalidDataException("a pickle runs past the end of the file");
            var op = p[at++];
            switch (op)
            {
                case (byte)'.': return at; // STOP
                case 0x80: at += 1; break; // PROTO
                case 0x95: at += 8; break; // FRAME
                case 0x94: memo[memo.Count] = last; break; // MEMOIZE
                case (byte)'(': case (byte)'0': case (byte)'1': case (byte)'a': case (byte)'e': case (byte)'s': case (byte)'u':
                case (byte)'b': case (byte)'Q': case 0x90:
                    last = null; // MARK, POP, POP_MARK, APPEND(S), SETITEM(S), BUILD, BINPERSID, ADDITEMS: nothing pushed that we follow
                    break;
                case (byte)'2': Push(last); break; // DUP
                case (byte)'N': case 0x88: case 0x89: case (byte)']': case (byte)'}': case (byte)')': case (byte)'t': case 0x85: case 0x86: case 0x87:
                case (byte)'R': case 0x81: case 0x92: case (byte)'l': case (byte)'d': case (byte)'o': case 0x8f: case 0x91: case 0x93:
                    Push(null); break; // values we do not follow
                case (byte)'K': at += 1; Push(null); break; // BININT1
                case (byte)'M': at += 2; Push(null); break; // BININT2
                case (byte)'J': at += 4; Push(null); break; // BININT
                case (byte)'G': at += 8; Push(null); break; // BINFLOAT
                case 0x8a: at += 1 + p[at]; Push(null); break; // LONG1
                case 0x8b: at += 4 + Int(4); Push(null); break; // LONG4
                case (byte)'C': at += 1 + p[at]; Push(null); break; // SHORT_BINBYTES
                case (byte)'B': at += 4 + BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(at)); Push(null); break; // BINBYTES
                case 0x8e: at += 8 + checked((int)BinaryPrimitives.ReadInt64LittleEndian(p.AsSpan(at))); Push(null); break; // BINBYTES8
                case (byte)'U': Push(Text(Int(1))); break; // SHORT_BINSTRING
                case (byte)'T': Push(Text(Int(4))); break; // BINSTRING
                case (byte)'X': Push(Text(Int(4))); break; // BINUNICODE
                case 0x8c: Push(Text(Int(1))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Text(Int(8))); break; // BINUNICODE8
                case (byte)'c': { var module = Line(); Push(new Global(module, Line())); break; } // GLOBAL
                case (byte)'q': memo[Int(1)] = last; break; // BINPUT
                case (byte)'r': memo[Int(4)] = last; break; // LONG_BINPUT
                case (byte)'p': memo[long.Parse(Line(), System.Globalization.CultureInfo.InvariantCulture)] = last; break; // PUT
                case (byte)'h': Push(memo.GetValueOrDefault(Int(1))); break; // BINGET
                case (byte)'j': Push(memo.GetValueOrDefault(Int(4))); break; // LONG_BINGET
                case (byte)'g': Push(memo.GetValueOrDefault(long.Parse(Line(), System.Globalization.CultureInfo.InvariantCulture))); break; // GET
                case (byte)'I': case (byte)'L': case (byte)'F': case (byte)'S': case (byte)'V': case (byte)'P': Line(); Push(null); break; // text forms
                case 0x82: at += 1; Push(null); break; // EXT1
                case 0x83: at += 2; Push(null); break; // EXT2
                case 0x84: at += 4; Push(null); break; // EXT4
                default: throw new InvalidDataException($"unknown pickle opcode 0x{op:x2} at byte {at - 1}");
            }
        }
    }

    sealed record Global(string Module, string Name);
}
