using System.CommandLine;
using ContrastiveCrop.Cli.Reporting;

namespace ContrastiveCrop.Cli;

/// <summary>The ccrop command tree; each command's work lives in <see cref="Commands"/>.</summary>
internal static class CommandLine
{
    /// <summary>The option that shows stack traces of errors (also <c>CCROP_DEBUG=1</c>).</summary>
    public const string DebugOption = "--debug";

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse is a user error: exit 2
    /// with one line per problem and a pointer to --help, instead of the full help text and exit 1.
    /// </summary>
    public static int Invoke(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count == 0) return parse.Invoke();
        // Unrecognised words first: "command not provided" is the consequence of a misspelt one.
        // System.CommandLine lists an option's allowed values one per line: joined, so the error stays one line.
        var messages = parse.Errors.Select(e => string.Join(" ", e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1);
        Console.Error.WriteLine($"error: {string.Join(" ", messages)} Run '{string.Join(' ', ["ccrop", .. CommandPath(parse)])} --help' for usage.");
        return Commands.UserError;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            names.Insert(0, result.Command.Name);
        return names;
    }

    private static void Range(Option<int> option, int min, int max, string why) =>
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
                result.AddError($"{option.Name} must be between {min} and {max} ({why}); got {value}.");
        });

    private static void Fraction(Option<double> option) =>
        option.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (!(value >= 0 && value <= 1)) result.AddError($"{option.Name} must be between 0 and 1; got {value}.");
        });

    public static RootCommand Build()
    {
        var pluginsOption = new Option<string[]>("--plugins")
        {
            Description = "Extra folder to load plugins from (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var setOption = new Option<string[]>("--set")
        {
            Description = "Override a recipe value, e.g. --set pretrain.epochs=5 (repeatable).",
        };
        var recipeArgument = new Argument<string>("recipe") { Description = "Path of the YAML recipe." };

        var runRecipe = new Argument<string?>("recipe") { Description = "Path of the YAML recipe (omit with --resume).", Arity = ArgumentArity.ZeroOrOne };
        var resumeOption = new Option<string?>("--resume")
        {
            Description = "Continue the run in this folder from its last checkpoint, with the run's own recipe.yaml.",
        };
        var run = new Command("run", "Run a recipe: pretrain, evaluate, write a run folder.") { runRecipe, setOption, pluginsOption, resumeOption };
        run.SetAction(p => Commands.Guard(p, () => p.GetValue(resumeOption) is { } resume
            ? Commands.Resume(resume, p.GetValue(runRecipe), p.GetValue(setOption) ?? [], p.GetValue(pluginsOption) ?? [])
            : Commands.Run(p.GetValue(runRecipe) ?? throw new UsageException("ccrop run needs a recipe file (or --resume <run folder>)."),
                           p.GetValue(setOption) ?? [], p.GetValue(pluginsOption) ?? [])));

        var checkpointArgument = new Argument<string>("checkpoint") { Description = "A checkpoint (.pt), a run folder, a PyTorch or safetensors ResNet file (with --recipe), or 'random' (untrained baseline)." };
        var evalRecipeOption = new Option<string?>("--recipe")
        {
            Description = "Recipe giving data, backbone and evaluate stages (default: the run folder's recipe.yaml).",
        };
        var evaluate = new Command("checkpoint", "Evaluate a pretrained backbone: runs the recipe's evaluate stages with from_checkpoint set.")
        {
            checkpointArgument, evalRecipeOption, setOption, pluginsOption,
        };
        evaluate.SetAction(p => Commands.Guard(p, () => Commands.EvaluateCheckpoint(
            p.GetValue(checkpointArgument)!, p.GetValue(evalRecipeOption), p.GetValue(setOption) ?? [], p.GetValue(pluginsOption) ?? [])));
        var eval = new Command("eval", "Evaluate a pretrained backbone, or detection results against ground truth.") { evaluate };
        foreach (var detection in EvalCommands.Build()) eval.Subcommands.Add(detection);

        var checkRecipe = new Argument<string>("recipe") { Description = "Path of the YAML recipe." };
        var check = new Command("check", "Validate a recipe and print it fully resolved.") { checkRecipe, setOption, pluginsOption };
        check.SetAction(p => Commands.Guard(p, () => Commands.CheckRecipe(p.GetValue(checkRecipe)!, p.GetValue(setOption) ?? [], p.GetValue(pluginsOption) ?? [])));
        var recipe = new Command("recipe", "Work with recipes.") { check };

        var previewRecipe = new Argument<string>("recipe") { Description = "Path of the YAML recipe (its data, method and sampler)." };
        var previewCountOption = new Option<int>("--count") { Description = "Images (rows) to show, evenly spaced over the training split.", DefaultValueFactory = _ => 8 };
        var epochOption = new Option<int>("--epoch") { Description = "The 0-based epoch whose crops to draw (the loader's seeds depend on it).", DefaultValueFactory = _ => 0 };
        var previewOut = new Option<string?>("--out") { Description = "PNG file to write (default: <name>-crops-epoch-<E>.png here)." };
        var preview = new Command("preview", "Draw the crops the recipe's sampler gives its method's views, as the training loader would, without training.")
        {
            previewRecipe, previewCountOption, epochOption, previewOut, setOption, pluginsOption,
        };
        preview.SetAction(p => Commands.Guard(p, () => Commands.PreviewCrops(p.GetValue(previewRecipe)!, p.GetValue(setOption) ?? [],
            p.GetValue(pluginsOption) ?? [], p.GetValue(previewCountOption), p.GetValue(epochOption), p.GetValue(previewOut))));
        var crops = new Command("crops", "Look at a crop sampler.") { preview };

        var list = new Command("list", "List the plugins found: kind, name, version, assembly.") { pluginsOption };
        list.SetAction(p => Commands.Guard(p, () => Commands.ListPlugins(p.GetValue(pluginsOption) ?? [])));
        var plugins = new Command("plugins", "Work with plugins.") { list };

        var doctor = new Command("doctor", "Report device, threads, native libraries and data sets found.") { pluginsOption };
        doctor.SetAction(p => Commands.Guard(p, () => Commands.Doctor(p.GetValue(pluginsOption) ?? [])));

        var outOption = new Option<string>("--out") { Description = "Folder to write the data set into.", Required = true };
        var fmnistOption = new Option<string?>("--fashion-mnist") { Description = "Folder of the Fashion-MNIST IDX files (default: Debian's, if installed; else shapes)." };
        var countOption = new Option<int>("--count") { Description = "Training images (the test split gets a fifth as many).", DefaultValueFactory = _ => 5000 };
        var sizeOption = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 64 };
        var seedOption = new Option<int>("--seed") { Description = "Generator seed: the same seed gives the same files.", DefaultValueFactory = _ => 0 };
        // The generators' own checks throw ArgumentException, which the host treats as a bug; checking the
        // options while parsing makes a wrong number a usage error (exit 2) naming the option.
        Range(countOption, 1, 10_000_000, "images are written one file each");
        Range(sizeOption, 16, 1024, "images are generated in memory");
        var detectionSizeOption = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 64 };
        Range(detectionSizeOption, 32, 1024, "smaller images leave no room for the objects; larger ones are generated in memory");
        var objects = new Command("objects-on-clutter", "Tinted objects at 20-60% of the side on textured clutter, as an ImageFolder with true boxes (boxes.tsv).")
        {
            outOption, fmnistOption, countOption, sizeOption, seedOption,
        };
        objects.SetAction(p => Commands.Guard(p, () => Commands.GenerateObjectsOnClutter(
            p.GetValue(outOption)!, p.GetValue(fmnistOption), p.GetValue(countOption), p.GetValue(sizeOption), p.GetValue(seedOption))));
        var classesOption = new Option<int>("--classes") { Description = "Number of object classes (1-10): the first shapes, or the first Fashion-MNIST classes.", DefaultValueFactory = _ => 3 };
        Range(classesOption, 1, 10, "there are ten shapes and ten Fashion-MNIST classes");
        var detectionFmnistOption = new Option<string?>("--fashion-mnist")
        {
            Description = "Paste Fashion-MNIST items from this folder of IDX files instead of shapes (trainval from its train split, test from its test split).",
        };
        var clutterOption = new Option<double>("--clutter") { Description = "Strength of the textured background, 0 (flat grey with noise) to 1 (full clutter).", DefaultValueFactory = _ => 1 };
        Fraction(clutterOption);
        var saturationOption = new Option<double>("--saturation") { Description = "Saturation of the objects' tints, 0 (grey) to 1 (random saturated colours).", DefaultValueFactory = _ => 1 };
        Fraction(saturationOption);
        var detectionSet = new Command("detection", "1-3 shapes (or Fashion-MNIST items) with boxes and masks pasted on clutter, written as a VOCdevkit (VOC2007) and as COCO instances files.")
        {
            outOption, detectionFmnistOption, countOption, detectionSizeOption, seedOption, classesOption, clutterOption, saturationOption,
        };
        detectionSet.SetAction(p => Commands.Guard(p, () => Commands.GenerateDetection(
            p.GetValue(outOption)!, p.GetValue(detectionFmnistOption), p.GetValue(countOption), p.GetValue(detectionSizeOption), p.GetValue(seedOption), p.GetValue(classesOption),
            p.GetValue(clutterOption), p.GetValue(saturationOption))));
        var data = new Command("data", "Work with data sets.") { new Command("generate", "Generate a synthetic data set.") { objects, detectionSet } };

        var reportFolder = new Argument<string>("run folder") { Description = "A folder written by ccrop run." };
        var report = new Command("report", "Write (or rewrite) a run folder's self-contained report.html from its files.") { reportFolder };
        report.SetAction(p => Commands.Guard(p, () => Commands.Report(p.GetValue(reportFolder)!)));

        var runsDir = new Argument<string>("DIR") { Description = "Folder holding run folders (default: runs).", DefaultValueFactory = _ => "runs" };
        var runsListCommand = new Command("list", "Every run folder under DIR: status (finished, failed, interrupted, running), last epoch, start time, main metrics.") { runsDir };
        runsListCommand.SetAction(p => Commands.Guard(p, () => RunsListing.Print(p.GetValue(runsDir)!)));
        var runs = new Command("runs", "Work with run folders.") { runsListCommand };

        var compareRecipe = new Argument<string>("recipe") { Description = "Path of the YAML recipe." };
        var varyOption = new Option<string>("--vary")
        {
            Description = "The recipe key and its values (YAML list), e.g. \"pretrain.sampler=[{_delete_: true, name: random-resized-crop}, {name: contrastive-crop}]\".",
            Required = true,
        };
        var seedsOption = new Option<string>("--seeds") { Description = "Comma-separated seeds each value runs with.", DefaultValueFactory = _ => "0,1,2" };
        var compareOut = new Option<string?>("--out") { Description = "Comparison folder (default: <output_dir>/compare-<recipe name>); finished runs in it are reused." };
        var compare = new Command("compare", "Run a recipe for several values of one key and several seeds; table of mean ± sd and paired differences with 95% CIs (markdown, CSV, HTML).")
        {
            compareRecipe, varyOption, seedsOption, compareOut, setOption, pluginsOption,
        };
        compare.SetAction(p => Commands.Guard(p, () => Comparison.CompareCommand.Run(p.GetValue(compareRecipe)!, p.GetValue(varyOption)!, p.GetValue(seedsOption)!,
            p.GetValue(setOption) ?? [], p.GetValue(pluginsOption) ?? [], p.GetValue(compareOut))));

        var debug = new Option<bool>(DebugOption)
        {
            Description = "Print the stack trace of an error (also: environment variable CCROP_DEBUG=1).",
            Recursive = true,
        };
        return new RootCommand("ContrastiveCrop.Platform: Siamese self-supervised pretraining with better crops.")
        {
            run, eval, compare, report, runs, recipe, crops, plugins, doctor, data, ExportCommand.Build(), debug,
        };
    }
}
