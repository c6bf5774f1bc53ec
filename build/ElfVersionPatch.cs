// MSBuild inline task (RoslynCodeTaskFactory), compiled by MSBuild at build time against netstandard (so: no nullable
// annotations, no Span helpers); see Directory.Build.targets.
//
// Marks one symbol-version requirement (e.g. GLIBCXX_3.4.32) of an ELF shared library as weak (VER_FLG_WEAK) so the
// dynamic loader only warns when the system library lacks that version instead of refusing to load. Applied only when
// the system's libstdc++ really lacks the version. The file is rewritten by replacing it (temp file + move), so a
// hard-linked copy in the NuGet cache is never modified.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PatchWeakElfVersionRequirement : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = new ITaskItem[0];

    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        string libstdcxx = FindSystemLibStdCxx();
        if (libstdcxx != null && FileContains(libstdcxx, VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "{0} provides {1}; no patch needed.", libstdcxx, VersionName);
            return true;
        }

        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                byte[] bytes = File.ReadAllBytes(path);
                int changed = MarkWeak(bytes, VersionName);
                if (changed > 0)
                {
                    string temp = path + ".patching";
                    File.WriteAllBytes(temp, bytes);
                    File.Delete(path);
                    File.Move(temp, path);
                    Log.LogMessage(MessageImportance.Normal, "Marked {0} weak in {1} (system libstdc++ lacks it).", VersionName, path);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError("Could not patch {0}: {1}", path, ex.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    private static string FindSystemLibStdCxx()
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" };
        foreach (string dir in dirs)
        {
            string candidate = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool FileContains(string path, string text)
    {
        byte[] needle = Encoding.ASCII.GetBytes(text + "\0");
        byte[] haystack = File.ReadAllBytes(path);
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="versionName"/>; returns how many changed.</summary>
    private static int MarkWeak(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
        }

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);

            long need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    long name = strtab + BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, name) == versionName)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlagWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                            changed++;
                        }
                    }

                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }

                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }

        return changed;
    }

    private static string ReadCString(byte[] data, long start)
    {
        int end = (int)start;
        while (end < data.Length && data[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(data, (int)start, end - (int)start);
    }
}
