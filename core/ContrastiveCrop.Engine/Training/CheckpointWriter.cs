using ContrastiveCrop.Engine.Runs;
using TorchSharp;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Writes model checkpoints atomically: to a temporary file first, then renamed over
/// <c>last.pt</c>, so a crash mid-write leaves the previous checkpoint intact.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>The name of the newest checkpoint in a run's checkpoint folder.</summary>
    public const string LastFileName = "last.pt";

    /// <summary>Saves <paramref name="module"/>'s state after <paramref name="epoch"/> epochs; returns the path.</summary>
    public static string Save(RunDirectory run, torch.nn.Module module, int epoch)
    {
        var path = Path.Combine(run.CheckpointDirectory, LastFileName);
        RunDirectory.WriteAtomically(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            module.save(writer);
        });
        File.WriteAllText(Path.Combine(run.CheckpointDirectory, "last.epoch"), epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return path;
    }
}
