using System.Text.RegularExpressions;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>
/// The headline numbers of a run: accuracies of the evaluation stages and detection APs (not
/// timings, losses or per-class values), in the order the results table lists them.
/// </summary>
internal static partial class MainMetrics
{
    [GeneratedRegex(@"^(top1|top5|AP|AP50|AP75|(bbox|segm)_AP(50|75)?)$")]
    private static partial Regex Headline();

    /// <summary>True for a headline metric name.</summary>
    public static bool Is(string metric) => Headline().IsMatch(metric);

    /// <summary>("stage metric", value) of every headline metric in <paramref name="run"/>'s results.</summary>
    public static IReadOnlyList<(string Name, double Value)> Of(RunFolder run) =>
        [.. run.Results.Where(r => r.Stage != "pretrain" && Is(r.Metric)).Select(r => ($"{r.Stage} {r.Metric}", r.Value))];
}
