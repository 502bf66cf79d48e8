using TorchSharp;

namespace ContrastiveCrop.Contracts;

/// <summary>What the host tells a plugin about the run it is part of.</summary>
public interface IRunContext
{
    /// <summary>The run directory; plugins write their diagnostics under it.</summary>
    string RunDirectory { get; }

    /// <summary>The device tensors live on.</summary>
    torch.Device Device { get; }

    /// <summary>The run's seed; plugins derive their own randomness from it.</summary>
    long Seed { get; }

    /// <summary>
    /// How the run normalises images before they reach the backbone (a recipe's <c>normalization</c>);
    /// ImageNet statistics unless the recipe says otherwise. Added in contracts 1.1.
    /// </summary>
    Normalization InputNormalization => Normalization.ImageNet;

    /// <summary>Stops long work when the user interrupts the run.</summary>
    CancellationToken Cancellation { get; }

    /// <summary>Appends one metrics record (stage, step, values) to the run's metrics file.</summary>
    void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values);

    /// <summary>Writes one line for the user (console and run log).</summary>
    void Log(string message);
}
