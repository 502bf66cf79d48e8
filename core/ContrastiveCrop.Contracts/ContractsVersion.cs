namespace ContrastiveCrop.Contracts;

/// <summary>
/// The version of the plugin contracts. A plugin is accepted when it was compiled against the same
/// <see cref="Major"/> (read from its reference to this assembly) as the host; minor versions only add.
/// </summary>
public static class ContractsVersion
{
    /// <summary>
    /// Breaking-change counter; equals this assembly's <c>AssemblyVersion</c> major. 2.0 removed
    /// <c>ILocalizingCropSampler</c>, <c>INeighbourCropMethod</c> and <c>ViewSpec.FromNeighbour</c> (that behaviour
    /// moved into the plugins, on the SDK's hooks) and added <c>CropRequest.Epoch</c>/<c>Pixels</c>, the hook kind and data-set headers (<c>IDatasetSource.Inspect</c>,
    /// <c>IDataRequirements</c>) for checks before any work.
    /// </summary>
    public const int Major = 2;

    /// <summary>Additive-change counter within a major version.</summary>
    /// <remarks>
    /// 2.1 added <c>IInputChecks</c> (a plugin's own files, checked before any work) <c>IBackboneChecks</c> and <c>DownstreamContext.Variant</c>;
    /// 2.2 added <c>DownstreamContext.Occurrence</c>, <c>StageName</c> (two stages of one task in one recipe) and <c>MonitorVariantPrefix</c>.
    /// </remarks>
    public const int Minor = 2;

    /// <summary>The version as text, e.g. <c>1.0</c>.</summary>
    public static string Text => $"{Major}.{Minor}";
}
