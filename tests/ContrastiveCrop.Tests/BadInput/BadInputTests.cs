using System.Diagnostics;
using System.Text.Json;
using ContrastiveCrop.Cli;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.BadInput;

/// <summary>
/// Bad input never crashes, hangs or lies: each case of <see cref="BadInputCases"/> exits 2 (3 for
/// divergence) with one line naming the culprit, no stack trace, and no run folder when the input is
/// wrong before work starts; plus the disk, resume and label cases that need more than one command.
/// </summary>
[TestFixture]
public sealed class BadInputTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        BadInputCases.All().Concat(DuringRun()).Select(c => new TestCaseData(c).SetName(c.Name));

    [TestCaseSource(nameof(Cases))]
    // The parameter is object because the case type is internal to the tests.
    public void Bad_input_exits_with_one_line_naming_it_and_no_stack_trace(object badInput) => ((BadInputCase)badInput).Check();

    [Test]
    public void The_table_holds_at_least_sixty_distinct_cases()
    {
        var names = BadInputCases.All().Concat(DuringRun()).Select(c => c.Name).ToList();
        Assert.That(names, Is.Unique);
        Assert.That(names, Has.Count.GreaterThanOrEqualTo(60));
    }

    /// <summary>Inputs found wrong only once the run meets them: exit 2 (3 for divergence), one line, the file named.</summary>
    private static IEnumerable<BadInputCase> DuringRun()
    {
        yield return new("Truncated_image_in_the_test_split_after_pretraining", r =>
        {
            var root = BadData.ImageFolder(r.Folder, 8, ["a", "b"], "train", "val");
            var png = Path.Combine(root, "val", "b", "003.png");
            File.WriteAllBytes(png, File.ReadAllBytes(png)[..40]);
            // One epoch is enough to show the test split is read only after pretraining.
            return ["run", r.Write(BadData.Replace(BadData.WithData(BadData.ImageFolderData(root)), "  epochs: 2\n", "  epochs: 1\n"))];
        }, 2, ["{folder}/images/val/b/003.png", "corrupt"], BeforeWork: false);
        yield return new("Empty_image_file_in_the_training_split", r =>
        {
            var root = BadData.ImageFolder(r.Folder, 8, ["a", "b"], "train", "val");
            File.WriteAllBytes(Path.Combine(root, "train", "a", "005.png"), []);
            return ["run", r.Write(BadData.WithData(BadData.ImageFolderData(root)))];
        }, 2, ["{folder}/images/train/a/005.png", "not a readable JPEG or PNG"], BeforeWork: false);
        yield return new("Text_file_named_png_in_the_training_split", r =>
        {
            var root = BadData.ImageFolder(r.Folder, 8, ["a", "b"], "train", "val");
            File.WriteAllText(Path.Combine(root, "train", "b", "zzz.png"), "this is not an image");
            return ["run", r.Write(BadData.WithData(BadData.ImageFolderData(root)))];
        }, 2, ["{folder}/images/train/b/zzz.png"], BeforeWork: false);
        yield return new("Divergence_before_the_first_checkpoint_says_none_was_kept", r =>
            ["run", r.Write(BadData.Replace(TinyRecipe.Text(), "  lr: 0.05\n", "  lr: 1e38\n"))], 3,
            ["pretrain: the loss became", "no checkpoint of this stage had been written yet"], BeforeWork: false);
    }

    [Test]
    public void An_output_dir_on_a_read_only_disk_is_refused_before_work()
    {
        var recipe = new TinyRecipe();
        using var disk = SmallDisk.Mount(recipe.Folder, 1 << 20, readOnly: true);
        var path = recipe.Write(BadData.Replace(TinyRecipe.Text(), "output_dir: runs", $"output_dir: {disk.Path}/runs"));

        var outcome = recipe.Invoke("run", path);

        new BadInputCase("read-only", _ => [], 2, ["output_dir", $"cannot write in '{disk.Path}'", "Read-only file system"])
            .Assert(outcome, recipe, new HashSet<string>());
        Assert.That(Directory.EnumerateFileSystemEntries(disk.Path), Is.Empty);
    }

    [Test]
    public void An_output_dir_on_a_full_disk_is_refused_before_work()
    {
        var recipe = new TinyRecipe();
        using var disk = SmallDisk.Mount(recipe.Folder, 256 * 1024);
        // Filled to the last block: an empty probe file still fits, the run's first real file would not.
        using (var fill = File.Create(Path.Combine(disk.Path, "fill")))
        {
            var block = new byte[4096];
            try { while (true) fill.Write(block); }
            catch (IOException) { }
        }
        var path = recipe.Write(BadData.Replace(TinyRecipe.Text(), "output_dir: runs", $"output_dir: {disk.Path}/runs"));

        var outcome = recipe.Invoke("run", path);

        new BadInputCase("full", _ => [], 2, ["output_dir", $"the disk holding '{disk.Path}' has 0 KiB free", "free space or choose another folder"])
            .Assert(outcome, recipe, new HashSet<string>());
        Assert.That(Directory.EnumerateFileSystemEntries(disk.Path), Is.EqualTo(new[] { Path.Combine(disk.Path, "fill") }), "no run folder, not even an empty one");
    }

    [Test]
    public void A_full_disk_names_the_checkpoint_write_keeps_the_previous_checkpoint_and_leaves_no_temporary_file()
    {
        var recipe = new TinyRecipe();
        // The tiny recipe's checkpoint is about 300 KB: the first fits, its replacement (written beside it) does not.
        var first = TrainOnce(recipe, epochs: 1);
        long checkpoint = new FileInfo(Path.Combine(first, "checkpoints", "last.pt")).Length;
        using var disk = SmallDisk.Mount(recipe.Folder, checkpoint + checkpoint / 2 + 64 * 1024);
        var text = BadData.Replace(PretrainOnly(epochs: 2), "output_dir: runs", $"output_dir: {disk.Path}")
            .Replace("  log_every: 1\n", "  log_every: 1\n  checkpoint_every: 1\n");
        var outcome = recipe.Invoke("run", recipe.Write(text, "full.yaml"));

        var run = Directory.GetDirectories(disk.Path).Single();
        var last = Path.Combine(run, "checkpoints", "last.pt");
        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Error);
            Assert.That(BadInputCase.MessageLines(outcome.Error), Has.Count.EqualTo(1), outcome.Error);
            Assert.That(outcome.Error, Does.Contain($"Cannot write '{last}'").And.Contain("No space left on device")
                .And.Contain("previous version of the file is kept"));
            Assert.That(outcome.Error, Does.Not.Contain("   at "));
            var (info, tensors) = CheckpointFile.Load(last);
            foreach (var t in tensors.Values) t.Dispose();
            Assert.That(info.CompletedEpochs, Is.EqualTo(1), "the epoch-1 checkpoint is kept whole (its checksum holds)");
            Assert.That(Directory.EnumerateFiles(run, "*.tmp", SearchOption.AllDirectories), Is.Empty);
        });
    }

    [Test]
    public void Resume_removes_leftover_temporary_files_and_reports_the_killed_run_as_interrupted()
    {
        var recipe = new TinyRecipe();
        var run = TrainOnce(recipe, epochs: 1);
        var leftover = Path.Combine(run, "checkpoints", "last.pt.tmp");
        File.WriteAllBytes(leftover, new byte[1000]);
        MarkRunningByAGoneProcess(run);

        Assert.That(RunDirectory.Open(run).ReadManifest()!.Status, Does.StartWith("interrupted"), "looked at, a killed run says so");
        Assert.That(File.ReadAllText(Path.Combine(run, "manifest.json")), Does.Contain("\"status\": \"interrupted"));

        MarkRunningByAGoneProcess(run);
        var outcome = recipe.Invoke("run", "--resume", run);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
            Assert.That(File.Exists(leftover), Is.False);
            Assert.That(outcome.Out, Does.Contain($"Removed '{leftover}'").And.Contain("(was: interrupted"));
            Assert.That(JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "manifest.json"))).RootElement.GetProperty("status").GetString(),
                Is.EqualTo("finished"));
        });
    }

    [Test]
    public void A_running_run_whose_process_is_alive_is_not_called_interrupted()
    {
        var recipe = new TinyRecipe();
        var run = Path.Combine(recipe.Folder, "live");
        Directory.CreateDirectory(run);
        var directory = RunDirectory.Open(WriteRecipe(run));
        directory.WriteManifest(new RunManifest("r", 0, "cpu", "h", new Dictionary<string, string>(), new Dictionary<string, string>(),
            DateTime.UtcNow, null, "running"));

        Assert.That(directory.ReadManifest()!.Status, Is.EqualTo("running"), "this process wrote it and is alive");
    }

    [Test]
    public void An_empty_class_folder_keeps_every_label_the_same_in_every_split_and_warns()
    {
        var recipe = new TinyRecipe();
        var root = BadData.ImageFolder(recipe.Folder, 8, ["b", "c"], "train", "val");
        Directory.CreateDirectory(Path.Combine(root, "train", "a"));
        var source = new ImageFolder(new ImageFolderOptions { Root = root, Cache = "stream" });

        using var train = source.Open("train");
        using var test = source.Open("test");

        Assert.Multiple(() =>
        {
            Assert.That(train.Classes, Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(test.Classes, Is.EqualTo(train.Classes), "one class list for every split");
            // Class b is label 1 in both splits, although the test split has no folder 'a'.
            Assert.That(Enumerable.Range(0, test.Count).Select(i => test.Get(i).Label).Distinct(), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(Enumerable.Range(0, train.Count).Select(i => train.Get(i).Label).Distinct(), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(test.Get(0).Image.Pixels, Is.EqualTo(train.Get(0).Image.Pixels), "the first image of b in each split has label 1");
        });
        var check = recipe.Invoke("recipe", "check", recipe.Write(BadData.WithData(BadData.ImageFolderData(root))));
        Assert.That(check.ExitCode, Is.EqualTo(0), check.Error);
        Assert.That(check.Error, Does.Contain($"warning: class folder '{Path.Combine(root, "train", "a")}' holds no images; its class keeps its label"));
    }

    [Test]
    public void Classes_listed_in_the_recipe_fix_the_labels_and_refuse_other_folders()
    {
        var recipe = new TinyRecipe();
        var root = BadData.ImageFolder(recipe.Folder, 2, ["b", "c"], "train", "val");
        var source = new ImageFolder(new ImageFolderOptions { Root = root, Cache = "stream", Classes = ["c", "b"] });
        using var train = source.Open("train");
        // BadData paints class b's images 40 and class c's 80 in their first byte.
        var labelOfColour = Enumerable.Range(0, train.Count).Select(train.Get).ToLookup(i => i.Image.Pixels[0], i => i.Label);
        Assert.That(labelOfColour[40].Distinct(), Is.EqualTo(new[] { 1 }), "b is second in the listed classes");
        Assert.That(labelOfColour[80].Distinct(), Is.EqualTo(new[] { 0 }), "c is first");

        var narrow = new ImageFolder(new ImageFolderOptions { Root = root, Cache = "stream", Classes = ["b"] });
        var error = Assert.Throws<DatasetException>(() => narrow.Inspect("train"))!;
        Assert.That(error.Message, Does.Contain("'c'").And.Contain(Path.Combine(root, "train")));
    }

    [Test]
    public void A_bug_exits_1_with_one_line_and_the_stack_trace_only_with_debug()
    {
        var plain = Guarded([], () => throw new InvalidOperationException("index out of step"));
        var debug = Guarded(["--debug"], () => throw new InvalidOperationException("index out of step"));

        Assert.Multiple(() =>
        {
            Assert.That(plain.Code, Is.EqualTo(1));
            Assert.That(BadInputCase.MessageLines(plain.Error), Has.Count.EqualTo(1));
            Assert.That(plain.Error, Does.Contain("InvalidOperationException: index out of step").And.Contain("--debug").And.Not.Contain("   at "));
            Assert.That(debug.Code, Is.EqualTo(1));
            Assert.That(debug.Error, Does.Contain("   at "), "--debug shows where it happened");
        });
    }

    [Test]
    public void A_data_error_inside_a_parallel_loop_is_reported_as_itself()
    {
        var outcome = Guarded([], () => throw new AggregateException(new DatasetException("'/data/x.png' is truncated"), new DatasetException("'/data/y.png' is truncated")));

        Assert.That(outcome.Code, Is.EqualTo(2));
        Assert.That(BadInputCase.MessageLines(outcome.Error), Is.EqualTo(new[] { "error: '/data/x.png' is truncated" }));
    }

    [Test]
    public void As_a_real_process_deep_nesting_and_aliases_exit_2_and_debug_adds_the_trace()
    {
        var recipe = new TinyRecipe();
        var deep = recipe.Write("a: " + new string('{', 20_000) + "\n", "deep.yaml");
        var lol = BadInputCases.All().Single(c => c.Name == "Nested_aliases_of_mappings_are_bounded");

        var deepRun = Subprocess(recipe, [], "run", deep);
        var before = BadInputCase.RunFolders(recipe).ToHashSet();
        var lolRun = Subprocess(recipe, [], [.. lol.Arrange(recipe)]);
        var debugRun = Subprocess(recipe, [("CCROP_DEBUG", "1")], "run", "--resume", Path.Combine(recipe.Folder, "missing"));

        new BadInputCase("deep", _ => [], 2, [$"{deep}:1:", "nest deeper than 64"]).Assert(deepRun, recipe, before);
        lol.Assert(lolRun, recipe, before);
        Assert.That(debugRun.ExitCode, Is.EqualTo(2));
        Assert.That(debugRun.Error, Does.Contain("does not exist").And.Contain("   at "), "CCROP_DEBUG=1 prints the trace");
    }

    private static (int Code, string Error) Guarded(string[] args, Func<int> body)
    {
        var parse = CommandLine.Build().Parse(args);
        var old = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (Commands.Guard(parse, body), error.ToString());
        }
        finally
        {
            Console.SetError(old);
        }
    }

    private static Ccrop.Outcome Subprocess(TinyRecipe recipe, (string Name, string Value)[] environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = recipe.Folder, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ccrop.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new Ccrop.Outcome(process.ExitCode, output.Result, error);
    }

    /// <summary>The tiny recipe without its kNN stage, which these tests do not need.</summary>
    private static string PretrainOnly(int epochs) =>
        BadData.Replace(BadData.Replace(TinyRecipe.Text(), "  epochs: 2\n", $"  epochs: {epochs}\n"), "evaluate:\n  - {name: knn, k: 5}\n", "");

    /// <summary>Trains the tiny recipe (checkpoint at the end) and returns its run folder.</summary>
    private static string TrainOnce(TinyRecipe recipe, int epochs)
    {
        var text = PretrainOnly(epochs);
        var outcome = recipe.Invoke("run", recipe.Write(text, "train.yaml"));
        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        return Directory.GetDirectories(recipe.Runs).Single();
    }

    /// <summary>Rewrites the run's manifest as a killed process leaves it: "running", by a process that has exited.</summary>
    private static void MarkRunningByAGoneProcess(string run)
    {
        using var gone = Process.Start(new ProcessStartInfo("true"))!;
        gone.WaitForExit();
        var path = Path.Combine(run, "manifest.json");
        var manifest = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(path))!;
        var edited = manifest.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
        edited["status"] = "running";
        edited["process_id"] = gone.Id;
        edited["machine"] = Environment.MachineName;
        File.WriteAllText(path, JsonSerializer.Serialize(edited));
    }

    private static string WriteRecipe(string run)
    {
        File.WriteAllText(Path.Combine(run, "recipe.yaml"), TinyRecipe.Text());
        return run;
    }
}
