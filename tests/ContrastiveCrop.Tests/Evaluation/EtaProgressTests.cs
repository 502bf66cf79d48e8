using ContrastiveCrop.Plugins.Evaluation;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Evaluation;

/// <summary>Progress lines of long evaluation steps: throttled, with the remaining time from the rate so far.</summary>
[TestFixture]
public sealed class EtaProgressTests
{
    [Test]
    public void Lines_come_at_most_every_ten_seconds_with_the_eta_from_the_rate_so_far()
    {
        var lines = new List<string>();
        var now = TimeSpan.Zero;
        var progress = new EtaProgress(lines.Add, "features of shapes/train", 100, "images", () => now);

        now = TimeSpan.FromSeconds(4); progress.Report(10);
        now = TimeSpan.FromSeconds(12); progress.Report(30);   // 30 in 12 s: 70 more take 28 s
        now = TimeSpan.FromSeconds(15); progress.Report(40);   // 3 s after the last line: quiet
        now = TimeSpan.FromSeconds(70); progress.Report(100);

        Assert.That(lines, Is.EqualTo(new[]
        {
            "features of shapes/train: 30/100 images (30%), elapsed 00:12, eta 00:28",
            "features of shapes/train: 100/100 images (100%), elapsed 01:10, done",
        }));
    }

    [Test]
    public void Work_that_finishes_within_the_interval_logs_nothing()
    {
        var lines = new List<string>();
        var now = TimeSpan.Zero;
        var progress = new EtaProgress(lines.Add, "linear probe", 30, "epochs", () => now);
        for (int epoch = 1; epoch <= 30; epoch++)
        {
            now = TimeSpan.FromSeconds(epoch * 0.2);
            progress.Report(epoch);
        }
        Assert.That(lines, Is.Empty);
    }
}
