// Reads and edits the symbol-version requirements (.gnu.version_r) of a 64-bit little-endian ELF
// shared library. Used at build time (as an MSBuild inline task) and at run time (ccrop doctor).
//
// Why this exists: TorchSharp 0.107's libLibTorchSharp.so was linked with GCC 13 and asks for
// GLIBCXX_3.4.32 from libstdc++.so.6, which Debian 12 (GCC 12, up to GLIBCXX_3.4.30) lacks. The
// only symbol bound to that version needs no relocation, so marking the requirement weak
// (VER_FLG_WEAK) lets the dynamic loader accept the older libstdc++ without changing behaviour.
// It is compiled by MSBuild's RoslynCodeTaskFactory against netstandard2.0, so it sticks to that API.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace ContrastiveCrop.Build
{
    /// <summary>One entry of an ELF version-needs table: a version required from a library.</summary>
    public sealed class ElfVersionNeed
    {
        /// <summary>Creates an entry.</summary>
        public ElfVersionNeed(string library, string version, ushort flags, long flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library file name the requirement names, e.g. libstdc++.so.6.</summary>
        public string Library { get; }
        /// <summary>The version name, e.g. GLIBCXX_3.4.32.</summary>
        public string Version { get; }
        /// <summary>The vna_flags field; bit 0x2 is VER_FLG_WEAK.</summary>
        public ushort Flags { get; }
        /// <summary>File offset of vna_flags.</summary>
        public long FlagsOffset { get; }
        /// <summary>True when the loader may accept a library without this version.</summary>
        public bool IsWeak => (Flags & ElfVersionNeeds.VerFlagWeak) != 0;
    }

    /// <summary>Reads and marks weak the version requirements of an ELF64 LE shared object.</summary>
    public static class ElfVersionNeeds
    {
        /// <summary>The vna_flags bit that makes a version requirement optional.</summary>
        public const ushort VerFlagWeak = 0x2;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Lists every (library, version) requirement in the file's .gnu.version_r section.</summary>
        public static IReadOnlyList<ElfVersionNeed> Read(string path) => Read(File.ReadAllBytes(path), path);

        /// <summary>Lists every requirement found in an in-memory ELF image.</summary>
        public static IReadOnlyList<ElfVersionNeed> Read(byte[] elf, string nameForErrors)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException($"{nameForErrors}: not an ELF file.");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{nameForErrors}: only 64-bit little-endian ELF is supported.");

            long shoff = (long)U64(elf, 0x28, nameForErrors);
            int shentsize = U16(elf, 0x3A, nameForErrors);
            int shnum = U16(elf, 0x3C, nameForErrors);
            var result = new List<ElfVersionNeed>();
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (U32(elf, sh + 4, nameForErrors) != ShtGnuVerneed) continue;
                long offset = (long)U64(elf, sh + 24, nameForErrors);
                uint link = U32(elf, sh + 40, nameForErrors);
                uint count = U32(elf, sh + 44, nameForErrors);
                long strtab = (long)U64(elf, shoff + (long)link * shentsize + 24, nameForErrors);

                long need = offset;
                for (uint n = 0; n < count; n++)
                {
                    int auxCount = U16(elf, need + 2, nameForErrors);
                    string library = CString(elf, strtab + U32(elf, need + 4, nameForErrors), nameForErrors);
                    long aux = need + U32(elf, need + 8, nameForErrors);
                    for (int a = 0; a < auxCount; a++)
                    {
                        ushort flags = U16(elf, aux + 4, nameForErrors);
                        string version = CString(elf, strtab + U32(elf, aux + 8, nameForErrors), nameForErrors);
                        result.Add(new ElfVersionNeed(library, version, flags, aux + 4));
                        uint nextAux = U32(elf, aux + 12, nameForErrors);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(elf, need + 12, nameForErrors);
                    if (next == 0) break;
                    need += next;
                }
            }
            return result;
        }

        /// <summary>
        /// Marks the requirement for <paramref name="version"/> weak. Returns true if the file was
        /// changed, false if the requirement is absent or already weak. The file is replaced by an
        /// atomic rename, so a hard link to a shared copy (e.g. the NuGet cache) is never written through.
        /// </summary>
        public static bool MarkWeak(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            bool changed = false;
            foreach (var need in Read(elf, path))
            {
                if (need.Version != version || need.IsWeak) continue;
                ushort flags = (ushort)(need.Flags | VerFlagWeak);
                elf[need.FlagsOffset] = (byte)(flags & 0xff);
                elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
                changed = true;
            }
            if (!changed) return false;

            string temp = path + ".weak-tmp";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null);
            return true;
        }

        /// <summary>
        /// True when the libstdc++ the loader would use defines <paramref name="version"/>. Looks in the
        /// usual multiarch and lib64 locations; a version string is present in a library that defines it.
        /// </summary>
        public static bool SystemLibstdcxxHas(string version, out string? libraryPath)
        {
            libraryPath = null;
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var candidate in candidates)
            {
                if (!File.Exists(candidate)) continue;
                libraryPath = candidate;
                return Contains(File.ReadAllBytes(candidate), Encoding.ASCII.GetBytes(version + "\0"));
            }
            return false;
        }

        private static bool Contains(byte[] haystack, byte[] needle)
        {
            for (int i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length;
                 i = Array.IndexOf(haystack, needle[0], i + 1))
            {
                int j = 1;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return true;
            }
            return false;
        }

        private static void Check(byte[] elf, long at, int size, string name)
        {
            if (at < 0 || at + size > elf.Length)
                throw new InvalidDataException($"{name}: truncated or malformed ELF (offset {at} out of range).");
        }

        private static ushort U16(byte[] b, long at, string name) { Check(b, at, 2, name); return BitConverter.ToUInt16(b, (int)at); }
        private static uint U32(byte[] b, long at, string name) { Check(b, at, 4, name); return BitConverter.ToUInt32(b, (int)at); }
        private static ulong U64(byte[] b, long at, string name) { Check(b, at, 8, name); return BitConverter.ToUInt64(b, (int)at); }

        private static string CString(byte[] b, long at, string name)
        {
            Check(b, at, 1, name);
            int end = Array.IndexOf(b, (byte)0, (int)at);
            if (end < 0) throw new InvalidDataException($"{name}: unterminated string in ELF string table.");
            return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
        }
    }

#if !CCROP_NO_MSBUILD_TASK
    /// <summary>
    /// MSBuild task: marks GLIBCXX_3.4.32 weak in every libLibTorchSharp.so under a folder, unless
    /// the system libstdc++ already provides it. Idempotent.
    /// </summary>
    public sealed class MarkGlibcxxWeak : Microsoft.Build.Utilities.Task
    {
        /// <summary>The output folder to patch, searched recursively.</summary>
        [Microsoft.Build.Framework.Required]
        public string Folder { get; set; } = "";

        /// <summary>The version requirement to mark weak.</summary>
        public string Version { get; set; } = "GLIBCXX_3.4.32";

        /// <inheritdoc />
        public override bool Execute()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || !Directory.Exists(Folder)) return true;
            if (ElfVersionNeeds.SystemLibstdcxxHas(Version, out var lib))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{lib} provides {Version}; libLibTorchSharp.so left as is.");
                return true;
            }
            foreach (var file in Directory.EnumerateFiles(Folder, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                if (ElfVersionNeeds.MarkWeak(file, Version))
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"Marked {Version} weak in {file} (system libstdc++ lacks it).");
            }
            return true;
        }
    }
#endif
}
