// Build-time fix for TorchSharp's native library on older Linux (docs/ARCHITECTURE.md, platform fact 1).
// libLibTorchSharp.so lists GLIBCXX_3.4.32 (GCC 13) among the versions it needs, but the only
// symbol bound to that version is never resolved at run time. Where the system libstdc++ lacks
// the version, the need is marked weak (VER_FLG_WEAK in its Vernaux entry) so the loader accepts
// the library. The file is edited in place in the output folder, never in the NuGet cache.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxNeed : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    [Required] public string Directory { get; set; } = "";
    [Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory) || SystemLibstdcxxHas(Version)) return true;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            var patched = Weaken(file, Version);
            if (patched) Log.LogMessage(MessageImportance.High, $"Marked {Version} weak in {file}");
        }
        return !Log.HasLoggedErrors;
    }

    static bool SystemLibstdcxxHas(string version)
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/lib64" };
        var lib = dirs.Select(d => Path.Combine(d, "libstdc++.so.6")).FirstOrDefault(File.Exists);
        if (lib == null) return false;
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        var bytes = File.ReadAllBytes(lib);
        for (int i = 0; i + needle.Length <= bytes.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && bytes[i + k] == needle[k]) k++;
            if (k == needle.Length) return true;
        }
        return false;
    }

    // Returns true when the file was changed; false when it needs nothing (already weak, or no such need).
    bool Weaken(string file, string version)
    {
        var elf = File.ReadAllBytes(file);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogWarning($"{file}: not a little-endian ELF64 file; left as is");
            return false;
        }
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        long Section(int i) => shoff + (long)i * shentsize;
        for (int s = 0; s < shnum; s++)
        {
            long sh = Section(s);
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            uint count = BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = BitConverter.ToInt64(elf, (int)Section(BitConverter.ToInt32(elf, (int)sh + 0x28)) + 0x18);
            long need = offset;
            for (uint n = 0; n < count; n++)
            {
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < BitConverter.ToUInt16(elf, (int)need + 2); a++)
                {
                    if (ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8)) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlagWeak) != 0) return false;
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, aux + 4);
                        File.WriteAllBytes(file, elf);
                        return true;
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        return false;
    }

    static string ReadString(byte[] bytes, long start)
    {
        int end = Array.IndexOf(bytes, (byte)0, (int)start);
        return Encoding.ASCII.GetString(bytes, (int)start, end - (int)start);
    }
}
