using ContrastiveCrop.Build;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Runtime;

[TestFixture]
public sealed class NativeRuntimeTests
{
    private static string OutputLibrary =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    [Test]
    public void TorchSharp_initialises_and_a_conv_forward_backward_gives_the_analytic_gradient()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(1, 1, 3, bias: false);
        using (no_grad()) conv.weight!.fill_(1.0f);
        var x = ones(1, 1, 5, 5, requires_grad: true);

        var y = conv.forward(x).sum();
        y.backward();

        // 3×3 all-ones kernel on a 5×5 all-ones input: 9 outputs of 9 each.
        Assert.That(y.item<float>(), Is.EqualTo(81f));
        // d(sum)/dw: each kernel tap sees 9 input ones.
        Assert.That(conv.weight!.grad!.sum().item<float>(), Is.EqualTo(81f));
        // The input's corner pixel feeds exactly one output; the centre feeds all nine.
        Assert.That(x.grad![0, 0, 0, 0].item<float>(), Is.EqualTo(1f));
        Assert.That(x.grad![0, 0, 2, 2].item<float>(), Is.EqualTo(9f));
    }

    [Test]
    public void The_output_copy_of_libLibTorchSharp_needs_GLIBCXX_3_4_32_only_weakly_when_the_system_lacks_it()
    {
        var need = ElfVersionNeeds.Read(OutputLibrary).SingleOrDefault(n => n.Version == "GLIBCXX_3.4.32");
        if (ElfVersionNeeds.SystemLibstdcxxHas("GLIBCXX_3.4.32", out _))
            Assert.Pass("The system libstdc++ provides GLIBCXX_3.4.32; the build leaves the library as shipped.");

        Assert.That(need, Is.Not.Null, "TorchSharp 0.107's library is expected to ask for GLIBCXX_3.4.32");
        Assert.That(need!.Library, Is.EqualTo("libstdc++.so.6"));
        Assert.That(need.IsWeak, Is.True);
    }

    [Test]
    public void Marking_weak_changes_only_that_flag_and_a_second_run_changes_nothing()
    {
        var package = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(package)) Assert.Ignore($"The unpatched package copy is not at {package}.");
        var copy = Path.Combine(TestFolders.NewTemp("elf"), "libLibTorchSharp.so");
        File.Copy(package, copy);
        var before = File.ReadAllBytes(copy);
        var original = ElfVersionNeeds.Read(copy).Single(n => n.Version == "GLIBCXX_3.4.32");
        Assert.That(original.IsWeak, Is.False, "the NuGet cache copy must never be patched in place");

        Assert.That(ElfVersionNeeds.MarkWeak(copy, "GLIBCXX_3.4.32"), Is.True);
        Assert.That(ElfVersionNeeds.MarkWeak(copy, "GLIBCXX_3.4.32"), Is.False);

        var after = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.That(changed, Is.EqualTo(new[] { (int)original.FlagsOffset }), "only the low byte of vna_flags changes");
        Assert.That(after[original.FlagsOffset], Is.EqualTo(before[original.FlagsOffset] | ElfVersionNeeds.VerFlagWeak));
        Assert.That(ElfVersionNeeds.Read(copy).Where(n => n.Version != "GLIBCXX_3.4.32").All(n => !n.IsWeak || original.IsWeak), Is.True);
    }

    [Test]
    public void A_file_that_is_not_ELF_is_refused_with_its_name()
    {
        var file = Path.Combine(TestFolders.NewTemp("elf"), "notes.txt");
        File.WriteAllText(file, "not a shared library at all, just text long enough to pass the header length check........");
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(file))!;
        Assert.That(error.Message, Is.EqualTo($"{file}: not an ELF file."));
    }
}
