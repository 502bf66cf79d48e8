using System.Security.Cryptography;
using System.Text.Json;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Training;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>
/// Where a linear probe keeps its SDK checkpoint, so a killed run resumed with <c>ccrop run --resume</c> continues the
/// probe from its last epoch instead of starting it again. The file is named after the stage
/// (<see cref="DownstreamContext.StageName"/>: a second probe stage, a <c>pretrain.monitor</c> pass, the untrained
/// baseline each have their own) and after what the probe's result depends on — its options, the frozen backbone's
/// weights and the run's seed — so a probe only ever resumes its own training, also when the recipe changed in between.
/// </summary>
internal static class ProbeCheckpoint
{
    /// <summary>
    /// The checkpoint file of a probe with <paramref name="options"/> in <paramref name="context"/>. Every other probe
    /// checkpoint is removed (on rank 0): it belongs to a probe that finished (an earlier stage, a monitor pass) or to a
    /// recipe changed before a resume, so at most one lingers and a monitor probing every few epochs leaves no trail.
    /// The price: a run with several probe stages, resumed, trains its probes again from their start (they take seconds).
    /// </summary>
    public static string For(LinearProbeOptions options, DownstreamContext context)
    {
        var run = context.Run;
        var folder = Path.Combine(run.RunDirectory, "checkpoints");
        var path = Path.Combine(folder, $"{LinearProbe.StageOf(context)}-{Identity(options, context.Backbone, run.Seed)}.pt");
        if (RunServices.ProcessGroup(run).Rank == 0 && Directory.Exists(folder))
            foreach (var other in Directory.EnumerateFiles(folder, LinearProbe.Stage + "*.pt").Where(f => f != path))
                File.Delete(other);
        return path;
    }

    /// <summary>The first 16 hex digits of SHA-256 over the options (as JSON), the seed and every backbone tensor's name and bytes.</summary>
    public static string Identity(LinearProbeOptions options, IBackbone backbone, long seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(options));
        hash.AppendData(BitConverter.GetBytes(seed));
        foreach (var (name, value) in backbone.Network.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var cpu = value.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
