using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Distributed;

namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// Services a host may offer beside <see cref="IRunContext"/> (which stays a small contract): a host's run
/// context that also implements <see cref="IServiceProvider"/> hands them out by type.
/// </summary>
public static class RunServices
{
    /// <summary>The host's live progress display, or null when it has none (tests, plain hosts).</summary>
    public static IProgressReporter? Progress(IRunContext run) =>
        (run as IServiceProvider)?.GetService(typeof(IProgressReporter)) as IProgressReporter;

    /// <summary>
    /// The data-parallel job this run is part of; a run in one process (or a host that offers none) gets
    /// <see cref="SingleProcessGroup"/>, whose collectives are identities, so plugins call it unconditionally.
    /// </summary>
    public static IProcessGroup ProcessGroup(IRunContext run) =>
        (run as IServiceProvider)?.GetService(typeof(IProcessGroup)) as IProcessGroup ?? SingleProcessGroup.Instance;
}
