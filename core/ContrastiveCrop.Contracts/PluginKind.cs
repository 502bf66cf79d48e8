namespace ContrastiveCrop.Contracts;

/// <summary>The extension points a plugin can fill. Each maps to one contract interface.</summary>
public enum PluginKind
{
    /// <summary><see cref="ICropSampler"/>: where the crops of each view come from.</summary>
    CropSampler,
    /// <summary><see cref="ISiameseMethod"/>: a self-supervised objective over several views.</summary>
    SiameseMethod,
    /// <summary><see cref="IBackbone"/>: the encoder being pretrained.</summary>
    Backbone,
    /// <summary><see cref="IDownstreamTask"/>: evaluation or transfer run on a pretrained backbone.</summary>
    DownstreamTask,
    /// <summary><see cref="IDatasetSource"/>: a named image data set.</summary>
    DatasetSource,
    /// <summary>
    /// A training hook (a subclass of the SDK's <c>HookBase</c>) that recipes add by name, e.g. under
    /// <c>pretrain.custom_hooks</c>. Added in contracts 2.0.
    /// </summary>
    Hook,
}
