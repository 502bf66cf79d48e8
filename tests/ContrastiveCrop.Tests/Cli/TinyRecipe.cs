namespace ContrastiveCrop.Tests.Cli;

/// <summary>Writes small recipes that train in seconds into a fresh folder.</summary>
internal sealed class TinyRecipe
{
    public TinyRecipe() => Folder = TestFolders.NewTemp("recipe");

    public string Folder { get; }
    public string Runs => Path.Combine(Folder, "runs");

    /// <summary>A complete recipe; <paramref name="sampler"/> is the sampler section's body.</summary>
    public static string Text(string sampler = "name: random-resized-crop", string extra = "") => $$"""
        name: tiny
        seed: 3
        device: cpu
        output_dir: runs
        data:
          name: shapes-on-clutter
          train_count: 48
          test_count: 24
          image_size: 16
        pretrain:
          epochs: 2
          batch_size: 16
          lr: 0.05
          image_size: 16
          log_every: 1
          backbone: {name: resnet, depth: 18, width_multiplier: 0.0625, small_data_stem: true}
          method: {name: simclr, temperature: 0.5}
          sampler: {{{sampler}}}
        evaluate:
          - {name: knn, k: 5}
        {{extra}}
        """;

    /// <summary>Writes <paramref name="text"/> as <paramref name="name"/> in the folder; returns its path.</summary>
    public string Write(string text, string name = "recipe.yaml")
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs ccrop with the working directory set to the recipe folder (output_dir is relative to it).</summary>
    public Ccrop.Outcome Invoke(params string[] args)
    {
        var old = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Folder;
        try { return Ccrop.Invoke(args); }
        finally { Environment.CurrentDirectory = old; }
    }
}
