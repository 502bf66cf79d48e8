using System.Text;
using ContrastiveCrop.Engine.Runs;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Reporting;

/// <summary>The run's TensorBoard event file, read back with an independent TFRecord/protobuf reader.</summary>
[TestFixture]
public sealed class TensorBoardEventFileTests
{
    [Test]
    public void The_test_crc32c_matches_the_published_check_value()
    {
        // The CRC catalogue's check value of CRC-32C (iSCSI) over "123456789".
        Assert.That(Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")), Is.EqualTo(0xE3069283u));
    }

    [Test]
    public void Scalars_are_framed_with_valid_crcs_and_read_back_with_tags_steps_values_and_fractional_wall_times()
    {
        var folder = TestFolders.NewTemp("tensorboard");
        var before = DateTimeOffset.UtcNow;
        var when = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 250, TimeSpan.Zero);
        string path;
        using (var file = new TensorBoardEventFile(folder))
        {
            path = file.FilePath;
            file.AddScalars("pretrain/step", 7, new Dictionary<string, double> { ["loss"] = 2.5, ["lr"] = 0.125 }, when);
            file.AddScalars("knn", 5_000_000_000L, new Dictionary<string, double> { ["top1"] = 61.25 }, when.AddSeconds(0.5));
        }
        var after = DateTimeOffset.UtcNow;

        var events = EventFileReader.Read(path);

        Assert.That(Path.GetFileName(path), Does.StartWith("events.out.tfevents."));
        Assert.That(events, Has.Count.EqualTo(3));
        // The header: file_version and the creation time in Unix seconds (TorchSharp's own writer puts .NET ticks here).
        Assert.That(events[0].FileVersion, Is.EqualTo("brain.Event:2"));
        Assert.That(events[0].WallTime, Is.InRange(before.ToUnixTimeMilliseconds() / 1000.0 - 0.001, after.ToUnixTimeMilliseconds() / 1000.0 + 0.001));
        // 2026-03-04T05:06:07.25Z is 1772600767.25 s after the epoch (fraction kept, not whole seconds).
        Assert.That(events[1].WallTime, Is.EqualTo(1772600767.25).Within(1e-6));
        Assert.That(events[1].Step, Is.EqualTo(7));
        Assert.That(events[1].Scalars, Is.EqualTo(new[] { new EventFileReader.Scalar("pretrain/step/loss", 2.5f), new EventFileReader.Scalar("pretrain/step/lr", 0.125f) }));
        Assert.That(events[2].WallTime, Is.EqualTo(1772600767.75).Within(1e-6));
        Assert.That(events[2].Step, Is.EqualTo(5_000_000_000L), "steps beyond int range survive (TorchSharp's add_scalar takes an int)");
        Assert.That(events[2].Scalars, Is.EqualTo(new[] { new EventFileReader.Scalar("knn/top1", 61.25f) }));
    }

    [Test]
    public void A_flipped_byte_is_caught_by_the_readers_crc_check()
    {
        var folder = TestFolders.NewTemp("tensorboard");
        string path;
        using (var file = new TensorBoardEventFile(folder))
        {
            path = file.FilePath;
            file.AddScalars("s", 1, new Dictionary<string, double> { ["x"] = 1 }, DateTimeOffset.UtcNow);
        }
        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x01;  // inside the last record's data
        File.WriteAllBytes(path, bytes);

        Assert.That(() => EventFileReader.Read(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("data CRC"));
    }
}
