using ContrastiveCrop.Plugins.Detection;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.DetectionModels;

/// <summary><c>format: generated</c>: the detection set is written into the run folder, once, the same bytes every time.</summary>
[TestFixture]
public sealed class GeneratedDetectionSetTests
{
    private static readonly RcnnOptions Options = new()
    {
        Format = "generated", GeneratedTrainCount = 4, GeneratedTestCount = 2, GeneratedSize = 48, GeneratedClasses = 2, GeneratedSeed = 5,
    };

    [Test]
    public void A_generated_set_is_written_into_the_run_folder_and_read_with_its_shape_classes()
    {
        var run = TestFolders.NewTemp("det-generated");
        var (train, test) = Options.ReadSplits(run);
        Assert.That(train.Classes, Is.EqualTo(new[] { "disc", "square" }));
        Assert.That(train.Records, Has.Count.EqualTo(4));
        Assert.That(test.Records, Has.Count.EqualTo(2));
        Assert.That(train.Records.All(r => r.Path.StartsWith(Path.Combine(run, "data")) && r.Width == 48 && r.Objects.Count is >= 1 and <= 3), Is.True);
        Assert.That(test.VocYear, Is.EqualTo("2007"), "VOC 2007 layout: scored with the 11-point AP");
    }

    [Test]
    public void Two_runs_generate_the_same_bytes_and_a_second_stage_reuses_the_first_stages_set()
    {
        var first = TestFolders.NewTemp("det-generated");
        var second = TestFolders.NewTemp("det-generated");
        var (a, _) = Options.ReadSplits(first);
        var written = File.GetLastWriteTimeUtc(a.Records[0].Path);
        var (again, _) = Options.ReadSplits(first);
        var (b, _) = Options.ReadSplits(second);
        Assert.That(File.GetLastWriteTimeUtc(again.Records[0].Path), Is.EqualTo(written), "the second stage must not regenerate");
        for (int i = 0; i < a.Records.Count; i++)
        {
            Assert.That(File.ReadAllBytes(b.Records[i].Path), Is.EqualTo(File.ReadAllBytes(a.Records[i].Path)));
            Assert.That(b.Records[i].Objects.Select(o => (o.Class, o.Box[0], o.Box[1], o.Box[2], o.Box[3])),
                Is.EqualTo(a.Records[i].Objects.Select(o => (o.Class, o.Box[0], o.Box[1], o.Box[2], o.Box[3]))));
        }
    }

    [Test]
    public void Bad_generated_settings_are_refused_naming_the_key()
    {
        var errors = (Options with { GeneratedSize = 16, GeneratedClasses = 11, GeneratedClutter = 2, GeneratedSaturation = double.NaN }).Validate().Select(e => e.Key).ToList();
        Assert.That(errors, Is.EquivalentTo(new[] { "generated_size", "generated_classes", "generated_clutter", "generated_saturation" }));
        Assert.That((Options with { Format = "pascal" }).Validate().Single().Message, Does.Contain("generated"));
    }

    [Test]
    public void Fine_tuning_options_out_of_range_are_one_error_each_naming_the_key()
    {
        Assert.That((Options with { FreezeAt = 5 }).Validate().Single().Key, Is.EqualTo("freeze_at"));
        Assert.That((Options with { Norm = "FrozenBN" }).Validate().Single().Key, Is.EqualTo("norm"));
        Assert.That((Options with { PreciseBnIters = -1 }).Validate().Single().Key, Is.EqualTo("precise_bn_iters"));
        var unnormalised = (Options with { Norm = "frozen_bn", Init = "random" }).Validate().Single();
        Assert.That(unnormalised.Key, Is.EqualTo("norm"));
        Assert.That(unnormalised.Message, Does.Contain("init: random"));
        Assert.That((Options with { FreezeAt = 4, Norm = "frozen_bn", PreciseBnIters = 200 }).Validate(), Is.Empty);
    }

    [Test]
    public void A_plain_grey_set_has_the_same_objects_in_its_own_folder()
    {
        var run = TestFolders.NewTemp("det-generated");
        var (full, _) = Options.ReadSplits(run);
        var (plain, _) = (Options with { GeneratedClutter = 0, GeneratedSaturation = 0 }).ReadSplits(run);
        Assert.That(Path.GetDirectoryName(plain.Records[0].Path), Is.Not.EqualTo(Path.GetDirectoryName(full.Records[0].Path)), "a setting has its own folder");
        for (int i = 0; i < full.Records.Count; i++)
            Assert.That(plain.Records[i].Objects.Select(o => (o.Class, o.Box[0], o.Box[1], o.Box[2], o.Box[3])),
                Is.EqualTo(full.Records[i].Objects.Select(o => (o.Class, o.Box[0], o.Box[1], o.Box[2], o.Box[3]))), "the same draws, only the paint differs");
    }
}
