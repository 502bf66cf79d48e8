namespace ContrastiveCrop.Sdk;

/// <summary>
/// The version of the training SDK. Like the contracts, a plugin that references the SDK is accepted
/// when it was compiled against the same <see cref="Major"/>; minor versions only add.
/// </summary>
public static class SdkVersion
{
    /// <summary>Breaking-change counter; equals this assembly's <c>AssemblyVersion</c> major.</summary>
    public const int Major = 1;

    /// <summary>Additive-change counter within a major version.</summary>
    /// <remarks>
    /// 1.1 added <c>HookBase.ResultsLabel</c>/<c>Results</c>; 1.2 added <c>ModuleTimer</c> and <c>StageTimingHook</c>
    /// (stage timing from outside the model) and <c>Training.PreciseBatchNorm</c>.
    /// </remarks>
    public const int Minor = 2;

    /// <summary>The version as text, e.g. <c>1.0</c>.</summary>
    public static string Text => $"{Major}.{Minor}";
}
