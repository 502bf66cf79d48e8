using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Architecture;

/// <summary>
/// The code conventions written in .editorconfig and README ("Contributing"), checked over the built product
/// assemblies and the tests: one naming scheme for private fields, test namespaces that follow the folders, and
/// test names that are behaviour sentences.
/// </summary>
[TestFixture]
public sealed class ConventionsTests
{
    private static readonly Regex UnderscoreCamel = new("^_[a-z][A-Za-z0-9]*$");
    private static readonly Regex Pascal = new("^[A-Z][A-Za-z0-9]*$");
    private static readonly Regex Sentence = new("^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+){2,}$");

    /// <summary>
    /// Every product assembly: core, first-party plugins and the ccrop host from the test folder (referenced), the bench
    /// and the sample plugins from their build outputs, loaded for inspection into a context of their own whose
    /// dependencies resolve to the already loaded ones.
    /// </summary>
    private static IReadOnlyList<Assembly> ProductAssemblies()
    {
        var referenced = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(p => Path.GetFileName(p) is var name && (name == "ccrop.dll" || name.StartsWith("ContrastiveCrop.", StringComparison.Ordinal))
                        && name != "ContrastiveCrop.Tests.dll")
            .Select(p => AssemblyLoadContext.Default.LoadFromAssemblyName(AssemblyName.GetAssemblyName(p)));
        // The bench is built beside the tests in the same configuration (artifacts/bin/<project>/<configuration>/).
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var bench = Path.Combine(TestFolders.RepoRoot, "artifacts", "bin", "ContrastiveCrop.Bench", configuration, "ccrop-bench.dll");
        var samples = Directory.EnumerateDirectories(Path.Combine(AppContext.BaseDirectory, "sample-plugins"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll"));
        var inspection = new AssemblyLoadContext("conventions", isCollectible: true);
        var others = new[] { bench }.Concat(samples).Select(p =>
        {
            Assert.That(File.Exists(p), Is.True, $"{p} is built (build the solution before the tests)");
            return inspection.LoadFromAssemblyPath(p);
        });
        return [.. referenced.Concat(others)];
    }

    private static bool IsCompilerGenerated(MemberInfo member) =>
        member.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) || member.Name.Contains('<');

    [Test]
    public void Private_fields_of_classes_that_are_not_torch_modules_are_underscore_camel_case_and_static_ones_pascal_case()
    {
        var assemblies = ProductAssemblies();
        Assert.That(assemblies.Select(a => a.GetName().Name), Does.Contain("ContrastiveCrop.Engine").And.Contain("ccrop").And.Contain("ccrop-bench")
            .And.Contain("ContrastiveCrop.Plugins.Detection").And.Contain("ContrastiveCrop.Samples.EdgeCentredSampler"));
        var wrong = new List<string>();
        int checkedFields = 0;
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            // Compiler-made types (closures, iterators, async state machines) name their fields after locals.
            if (IsCompilerGenerated(type) || type.IsEnum) continue;
            // A TorchSharp module's RegisterComponents() turns its field names into state_dict keys
            // ("proposal_generator.rpn_head.conv.weight", torchvision's "layer1.0.bn1"): those names are the checkpoint
            // format, shared with PyTorch, and renaming them would break every saved and imported checkpoint. Modules
            // keep the names of the models they mirror, so the whole type is out of this rule.
            if (type.IsSubclassOf(typeof(nn.Module))) continue;
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                // Backing fields of auto-properties and records' positional properties, and captured primary-constructor
                // parameters, are named by the compiler (<Name>k__BackingField, <name>P).
                if (!field.IsPrivate || IsCompilerGenerated(field)) continue;
                checkedFields++;
                var rule = field.IsStatic ? Pascal : UnderscoreCamel;
                if (!rule.IsMatch(field.Name)) wrong.Add($"{type.FullName}.{field.Name} ({(field.IsStatic ? "static: PascalCase" : "_camelCase")})");
            }
        }
        Assert.That(checkedFields, Is.GreaterThan(100), "the assemblies' private fields were seen");
        Assert.That(wrong, Is.Empty, string.Join(Environment.NewLine, wrong));
    }

    [Test]
    public void Every_test_file_declares_the_namespace_of_its_folder()
    {
        var root = Path.Combine(TestFolders.RepoRoot, "tests", "ContrastiveCrop.Tests");
        var sep = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}") && !f.Contains($"{sep}bin{sep}")).ToList();
        Assert.That(files, Has.Count.GreaterThan(100));
        var wrong = new List<string>();
        foreach (var file in files)
        {
            var folder = Path.GetRelativePath(root, Path.GetDirectoryName(file)!);
            var expected = "ContrastiveCrop.Tests" + (folder == "." ? "" : "." + folder.Replace(sep, '.'));
            var declared = Regex.Match(File.ReadAllText(file), @"^namespace\s+([\w.]+)", RegexOptions.Multiline);
            // A file of global usings declares no namespace.
            if (!declared.Success && File.ReadAllLines(file).All(l => l.Length == 0 || l.StartsWith("//") || l.StartsWith("global using "))) continue;
            if (declared.Groups[1].Value != expected) wrong.Add($"{Path.GetRelativePath(root, file)}: '{declared.Groups[1].Value}', expected '{expected}'");
        }
        Assert.That(wrong, Is.Empty, string.Join(Environment.NewLine, wrong));
    }

    [Test]
    public void Test_names_are_behaviour_sentences_of_at_least_three_words_joined_by_underscores()
    {
        var tests = typeof(ConventionsTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Where(m => m.IsDefined(typeof(TestAttribute)) || m.IsDefined(typeof(TestCaseAttribute)) || m.IsDefined(typeof(TestCaseSourceAttribute))
                        || m.IsDefined(typeof(TheoryAttribute)))
            .ToList();
        Assert.That(tests, Has.Count.GreaterThan(300));
        var wrong = tests.Where(m => !Sentence.IsMatch(m.Name)).Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToList();
        Assert.That(wrong, Is.Empty, string.Join(Environment.NewLine, wrong));
    }
}
