using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Datasets;

/// <summary>Where an ImageFolder data set is and how it is held in memory.</summary>
public sealed record ImageFolderOptions : IValidatableOptions
{
    /// <summary>The folder holding one sub-folder per split.</summary>
    public string Root { get; init; } = "data/imagenet";

    /// <summary>Sub-folder of the <c>train</c> split.</summary>
    public string TrainDir { get; init; } = "train";

    /// <summary>Sub-folder of the <c>test</c> split (ImageNet's class-sorted <c>val</c>).</summary>
    public string TestDir { get; init; } = "val";

    /// <summary>
    /// <c>memory</c>: decode every image once when the split is opened and keep it; <c>stream</c>:
    /// decode on each access (bounded memory, for ImageNet-sized folders); <c>auto</c>: memory when
    /// the decoded split (estimated from its first image) fits in <see cref="CacheLimitMb"/>.
    /// </summary>
    public string Cache { get; init; } = "auto";

    /// <summary>Largest decoded size, in MiB, that <c>cache: auto</c> keeps in memory.</summary>
    public int CacheLimitMb { get; init; } = 2048;

    /// <summary>Optional true-box sidecar (see ObjectBoxesFile) relative to <see cref="Root"/>; read when the file exists.</summary>
    public string BoxesFile { get; init; } = "boxes.tsv";

    /// <summary>
    /// The class names in label order; each is a class folder name. Null (the default): the training
    /// split's class folders, sorted, which every split then shares.
    /// </summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Classes is { Count: 0 }) yield return new OptionError("classes", "must list at least one class, or be left out to use the training split's class folders");
        if (Classes is not null && Classes.Distinct(StringComparer.Ordinal).Count() != Classes.Count)
            yield return new OptionError("classes", "lists a class twice");
        if (string.IsNullOrWhiteSpace(Root)) yield return new OptionError("root", "must name the data set folder");
        if (Cache is not ("auto" or "memory" or "stream")) yield return new OptionError("cache", "must be auto, memory or stream");
        if (CacheLimitMb < 0) yield return new OptionError("cache_limit_mb", "must be non-negative");
    }
}
