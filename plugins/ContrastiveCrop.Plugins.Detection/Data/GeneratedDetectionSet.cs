using ContrastiveCrop.Data;

namespace ContrastiveCrop.Plugins.Detection.Data;

/// <summary>
/// The detection set of <c>format: generated</c>: written once per run folder and setting
/// (<c>data/generated-detection-…</c>), into a temporary folder renamed into place, so the stages of
/// one run share it, an interrupted generation is redone and a resumed run finds the same bytes.
/// </summary>
internal static class GeneratedDetectionSet
{
    /// <summary>The folder holding the set for <paramref name="settings"/> under the run folder, generated if missing.</summary>
    public static string Ensure(string runDirectory, DetectionSetGenerator.Settings settings)
    {
        var name = $"generated-detection-{settings.TrainCount}-{settings.TestCount}-{settings.ImageSize}px-{settings.Classes}c-seed{settings.Seed}{(settings.Clutter == 1 ? "" : FormattableString.Invariant($"-clutter{settings.Clutter}"))}{(settings.Saturation == 1 ? "" : FormattableString.Invariant($"-saturation{settings.Saturation}"))}";
        var root = Path.Combine(runDirectory, "data", name);
        if (Directory.Exists(root)) return root;
        var temporary = root + ".tmp";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        DetectionSetGenerator.Generate(temporary, settings);
        Directory.Move(temporary, root);
        return root;
    }
}
