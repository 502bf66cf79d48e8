using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContrastiveCrop.Tests.Plugins;

/// <summary>Compiles small C# sources into DLLs on disk, to make plugins (good and broken) inside tests.</summary>
internal static class PluginCompiler
{
    private static readonly Lazy<MetadataReference[]> Framework = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray());

    /// <summary>The contracts and TorchSharp assemblies this test run uses.</summary>
    public static string[] HostContracts =>
    [
        typeof(ContrastiveCrop.Contracts.ICropSampler).Assembly.Location,
        typeof(TorchSharp.torch).Assembly.Location,
    ];

    /// <summary>Compiles <paramref name="source"/> to <paramref name="folder"/>/<paramref name="name"/>.dll.</summary>
    public static string Compile(string folder, string name, string source, IEnumerable<string> references, string version = "1.0.0.0")
    {
        Directory.CreateDirectory(folder);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var versionTree = CSharpSyntaxTree.ParseText($"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]", parse);
        var compilation = CSharpCompilation.Create(name, [versionTree, CSharpSyntaxTree.ParseText(source, parse)],
            Framework.Value.Concat(references.Select(r => MetadataReference.CreateFromFile(r))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(folder, name + ".dll");
        var result = compilation.Emit(path);
        if (!result.Success)
            throw new InvalidOperationException("Test plugin did not compile:\n" +
                string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return path;
    }
}
