using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Tests.Recipes;

[TestFixture]
public sealed class RecipeBinderTests
{
    private static (RecipeMapping Root, string File) Load(string yaml)
    {
        var files = new RecipeFiles();
        var path = files.Write("recipe.yaml", yaml);
        return (RecipeLoader.Load(path, []), path);
    }

    private static RecipeException BindFails<T>(RecipeNode node, string keyPath = "") =>
        Assert.Throws<RecipeException>(() => RecipeBinder.Bind<T>(node, keyPath))!;

    [Test]
    public void Every_supported_member_type_is_bound()
    {
        var (root, _) = Load(
            """
            text: hello world
            count: -12
            big: 9000000000
            ratio: 0.25
            rate: 1e-3
            flag: true
            crop: contrastive-crop
            maybe_count: 3
            maybe_rate: -2.5e3
            maybe_flag: false
            maybe_crop: center-crop
            maybe_text: ~
            sizes: [224, 96]
            names:
              - a
              - "b"
            holes: [x, null]
            weights: {global: 1.0, local: 0.5}
            optimizer: {name: sgd, lr: 0.1}
            stages:
              - name: warmup
                lr: 0.01
              - {name: main, lr: 0.1, momentum: 0.8}
            method:
              temperature: 0.2
            """);

        var options = RecipeBinder.Bind<AllTypesOptions>(root, "");

        Assert.Multiple(() =>
        {
            Assert.That(options.Text, Is.EqualTo("hello world"));
            Assert.That(options.Count, Is.EqualTo(-12));
            Assert.That(options.Big, Is.EqualTo(9_000_000_000L));
            Assert.That(options.Ratio, Is.EqualTo(0.25f));
            Assert.That(options.Rate, Is.EqualTo(0.001));
            Assert.That(options.Flag, Is.True);
            Assert.That(options.Crop, Is.EqualTo(CropKind.ContrastiveCrop));
            Assert.That(options.MaybeCount, Is.EqualTo(3));
            Assert.That(options.MaybeRate, Is.EqualTo(-2500.0));
            Assert.That(options.MaybeFlag, Is.False);
            Assert.That(options.MaybeCrop, Is.EqualTo(CropKind.CenterCrop));
            Assert.That(options.MaybeText, Is.Null);
            Assert.That(options.Sizes, Is.EqualTo(new[] { 224, 96 }));
            Assert.That(options.Names, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(options.Holes, Is.EqualTo(new[] { "x", null }));
            Assert.That(options.Weights, Is.EqualTo(new Dictionary<string, double> { ["global"] = 1.0, ["local"] = 0.5 }));
            Assert.That(options.Optimizer, Is.EqualTo(new OptimizerOptions("sgd", 0.1)));
            Assert.That(options.Stages, Is.EqualTo(new[] { new OptimizerOptions("warmup", 0.01), new OptimizerOptions("main", 0.1, 0.8) }));
            Assert.That(options.Method, Is.SameAs(root.GetEntry("method")!.Value));
        });
    }

    [Test]
    public void Bound_lists_cannot_be_modified_through_a_cast()
    {
        var (root, _) = Load("sizes: [1, 2]\n");

        var sizes = RecipeBinder.Bind<IReadOnlyList<int>>(root.GetEntry("sizes")!.Value, "sizes");

        Assert.That(sizes, Is.Not.InstanceOf<int[]>());
    }

    [Test]
    public void Omitted_parameters_take_their_declared_defaults()
    {
        var (root, _) = Load("epochs: 3\n");

        var options = RecipeBinder.Bind<DefaultsOptions>(root, "");

        Assert.That(options, Is.EqualTo(new DefaultsOptions(3, 42, CropKind.CenterCrop, 7, null, 0.5, true)));
    }

    [Test]
    public void Null_overrides_a_nullable_default()
    {
        var (root, _) = Load("epochs: 3\nmax_steps: null\ncomment: ''\n");

        var options = RecipeBinder.Bind<DefaultsOptions>(root, "");

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxSteps, Is.Null);
            Assert.That(options.Comment, Is.EqualTo(string.Empty));
        });
    }

    [Test]
    public void Init_only_properties_are_bound_and_keep_their_initializers_when_omitted()
    {
        var (root, _) = Load("root: /data\ncrop: random_resized_crop\n");

        var options = RecipeBinder.Bind<DataOptions>(root, "");

        Assert.Multiple(() =>
        {
            Assert.That(options.Root, Is.EqualTo("/data"));
            Assert.That(options.Workers, Is.EqualTo(4));
            Assert.That(options.Splits, Is.EqualTo(new[] { "train" }));
            Assert.That(options.Crop, Is.EqualTo(CropKind.RandomResizedCrop), "snake_case enum values are accepted too");
        });
    }

    [Test]
    public void A_required_init_only_property_must_be_present()
    {
        var (root, file) = Load("data:\n  workers: 2\n");

        var error = BindFails<DataOptions>(root.GetEntry("data")!.Value, "data");

        Assert.That(error.Message, Is.EqualTo($"{file}:2:3: data.root: missing required key"));
    }

    [TestCase("RandomResizedCrop", CropKind.RandomResizedCrop)]
    [TestCase("random-resized-crop", CropKind.RandomResizedCrop)]
    [TestCase("center-crop", CropKind.CenterCrop)]
    [TestCase("'contrastive-crop'", CropKind.ContrastiveCrop)]
    public void Enum_values_are_written_in_kebab_case(string yaml, CropKind expected)
    {
        var (root, _) = Load($"epochs: 1\ncrop: {yaml}\n");

        Assert.That(RecipeBinder.Bind<TrainingOptions>(root, "").Crop, Is.EqualTo(expected));
    }

    [Test]
    public void The_non_generic_overload_binds_the_given_type()
    {
        var (root, _) = Load("name: adam\nlr: 0.001\n");

        var options = RecipeBinder.Bind(typeof(OptimizerOptions), root, "optimizer");

        Assert.That(options, Is.EqualTo(new OptimizerOptions("adam", 0.001)));
    }

    [Test]
    public void A_nullable_value_type_at_the_root_accepts_null()
    {
        var node = RecipeScalar.Null(new SourceLocation("x.yaml", 1, 1));

        Assert.That(RecipeBinder.Bind<int?>(node, "n"), Is.Null);
    }

    [Test]
    public void Raw_sections_are_passed_through_and_may_be_absent()
    {
        var (root, _) = Load("method: simclr\nsettings:\n  temperature: 0.1\n");

        var host = RecipeBinder.Bind<PluginHost>(root, "");

        Assert.Multiple(() =>
        {
            Assert.That(TreeText.Of(host.Settings!), Is.EqualTo("{temperature: 0.1}"));
            Assert.That(host.Extra, Is.Null);
        });
    }

    [Test]
    public void A_raw_section_of_a_specific_node_kind_checks_the_kind()
    {
        var (root, file) = Load("method: simclr\nextra: [1]\n");

        Assert.That(BindFails<PluginHost>(root).Message, Is.EqualTo($"{file}:2:8: extra: expected a mapping, got a sequence"));
    }

    [Test]
    public void All_errors_are_reported_together_with_positions_and_key_paths()
    {
        var (root, file) = Load(
            """
            training:
              epochs: ten
              warmup_epoch: 5
              crop: random-crop
            optimizer:
              lr: 0.1
            """);

        var error = BindFails<RootOptions>(root);

        Assert.That(error.Message, Is.EqualTo(
            $"{file}:2:11: training.epochs: expected an integer, got 'ten'\n" +
            $"{file}:3:3: training.warmup_epoch: unknown key; did you mean 'warmup_epochs'?\n" +
            $"{file}:4:9: training.crop: invalid value 'random-crop'; expected one of: random-resized-crop, center-crop, contrastive-crop\n" +
            $"{file}:6:3: optimizer.name: missing required key"));
    }

    [Test]
    public void The_key_path_argument_prefixes_every_reported_path()
    {
        var (root, file) = Load("sgd:\n  name: sgd\n  lr: fast\n");

        var error = BindFails<OptimizerOptions>(root.GetEntry("sgd")!.Value, "optimizers.sgd");

        Assert.That(error.Message, Is.EqualTo($"{file}:3:7: optimizers.sgd.lr: expected a number, got 'fast'"));
    }

    [TestCase("bacth_size: 1", "did you mean 'batch_size'?")]
    [TestCase("epoch: 1", "did you mean 'epochs'?")]
    [TestCase("WarmupEpochs: 1", "did you mean 'warmup_epochs'?")]
    [TestCase("corp: center-crop", "did you mean 'crop'?")]
    public void A_misspelt_key_suggests_the_closest_known_key(string line, string suggestion)
    {
        var (root, file) = Load($"epochs: 1\n{line}\n");
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];

        Assert.That(BindFails<TrainingOptions>(root).Message, Is.EqualTo($"{file}:2:1: {key}: unknown key; {suggestion}"));
    }

    [Test]
    public void A_key_written_one_level_too_high_is_shown_where_it_belongs()
    {
        // warmup_epochs belongs under training:, as pretrain.method does in a recipe.
        var (root, file) = Load("training:\n  epochs: 1\noptimizer:\n  name: sgd\n  lr: 0.1\nwarmup_epochs: 5\n");

        Assert.That(BindFails<RootOptions>(root).Message, Is.EqualTo($"{file}:6:1: warmup_epochs: unknown key; did you mean 'training.warmup_epochs'?"));
    }

    [TestCase("momentumm_x: 1")]
    [TestCase("zzz: 1")]
    [TestCase("x: 1")]
    public void An_unknown_key_far_from_every_known_key_gets_no_suggestion(string line)
    {
        var (root, file) = Load($"epochs: 1\n{line}\n");
        var key = line[..line.IndexOf(':', StringComparison.Ordinal)];

        Assert.That(BindFails<TrainingOptions>(root).Message, Is.EqualTo($"{file}:2:1: {key}: unknown key"));
    }

    [TestCase("count: abc", "count", 8, "expected an integer, got 'abc'")]
    [TestCase("count: 1.5", "count", 8, "expected an integer, got '1.5'")]
    [TestCase("count: \"5\"", "count", 8, "expected an integer, got \"5\"")]
    [TestCase("count: 3000000000", "count", 8, "integer '3000000000' does not fit in 32 bits")]
    [TestCase("count: {a: 1}", "count", 8, "expected an integer, got a mapping")]
    [TestCase("count: ~", "count", 8, "expected an integer, got null")]
    [TestCase("big: 99999999999999999999", "big", 6, "integer '99999999999999999999' does not fit in 64 bits")]
    [TestCase("ratio: 1e39", "ratio", 8, "number '1e39' is too large for single precision")]
    [TestCase("rate: fast", "rate", 7, "expected a number, got 'fast'")]
    [TestCase("flag: yes", "flag", 7, "expected a boolean (true or false), got 'yes'")]
    [TestCase("flag: 'true'", "flag", 7, "expected a boolean (true or false), got \"true\"")]
    [TestCase("text: [a]", "text", 7, "expected a string, got a sequence")]
    [TestCase("text:", "text", 6, "expected a string, got null")]
    [TestCase("crop: 1", "crop", 7, "invalid value '1'; expected one of: random-resized-crop, center-crop, contrastive-crop")]
    [TestCase("crop: [a]", "crop", 7, "expected one of: random-resized-crop, center-crop, contrastive-crop; got a sequence")]
    [TestCase("sizes: 224", "sizes", 8, "expected a sequence, got '224'")]
    [TestCase("weights: [1]", "weights", 10, "expected a mapping, got a sequence")]
    [TestCase("optimizer: adam", "optimizer", 12, "expected a mapping, got 'adam'")]
    public void A_value_of_the_wrong_type_is_reported_at_the_value(string line, string key, int column, string message)
    {
        var (root, file) = Load(line + "\n");
        var options = (RecipeMapping)root;

        var error = Assert.Throws<RecipeException>(() => RecipeBinder.Bind<AllTypesOptions>(options, ""))!;

        Assert.That(error.Errors.Where(e => e.KeyPath == key).Select(e => e.ToString()), Is.EqualTo(new[] { $"{file}:1:{column}: {key}: {message}" }));
    }

    [Test]
    public void Errors_inside_sequences_and_dictionaries_name_the_item()
    {
        var (root, file) = Load("sizes: [1, x, 3]\nweights:\n  a: 1\n  b: heavy\n");

        var error = Assert.Throws<RecipeException>(() => RecipeBinder.Bind<AllTypesOptions>(root, ""))!;

        Assert.That(
            error.Errors.Where(e => e.KeyPath.StartsWith("sizes", StringComparison.Ordinal) || e.KeyPath.StartsWith("weights", StringComparison.Ordinal)).Select(e => e.ToString()),
            Is.EqualTo(new[]
            {
                $"{file}:1:12: sizes[1]: expected an integer, got 'x'",
                $"{file}:4:6: weights.b: expected a number, got 'heavy'",
            }));
    }

    [Test]
    public void Missing_required_keys_point_at_the_enclosing_mapping()
    {
        var (root, file) = Load("# header\noptimizer:\n    momentum: 0.5\n");

        var error = BindFails<OptimizerOptions>(root.GetEntry("optimizer")!.Value, "optimizer");

        Assert.That(error.Message, Is.EqualTo(
            $"{file}:3:5: optimizer.name: missing required key\n" +
            $"{file}:3:5: optimizer.lr: missing required key"));
    }

    [Test]
    public void Validation_errors_are_located_at_the_offending_key()
    {
        var (root, file) = Load("schedule:\n  epochs: 10\n  warmup:\n    epochs: 20\n");

        var error = BindFails<ScheduleOptions>(root.GetEntry("schedule")!.Value, "schedule");

        Assert.That(error.Message, Is.EqualTo($"{file}:4:5: schedule.warmup.epochs: must be less than the total epochs"));
    }

    [Test]
    public void Validation_keys_may_be_member_names()
    {
        var (root, file) = Load("epochs: -1\n");

        Assert.That(BindFails<ScheduleOptions>(root).Message, Is.EqualTo($"{file}:1:1: epochs: must be positive"));
    }

    [Test]
    public void Validation_errors_for_absent_keys_point_at_the_mapping()
    {
        var (root, file) = Load("stage:\n  name: long\n  schedule:\n    epochs: 2000\n");

        var error = BindFails<StageOptions>(root.GetEntry("stage")!.Value, "stage");

        Assert.That(error.Message, Is.EqualTo($"{file}:4:5: stage.schedule.warmup: is required for runs longer than 1000 epochs"));
    }

    [Test]
    public void Validation_runs_for_every_bound_record_and_all_errors_are_kept()
    {
        var (root, file) = Load("rates:\n  - value: 1\n  - value: 0\n  - value: -2\n");

        var error = BindFails<IReadOnlyList<LrOptions>>(root.GetEntry("rates")!.Value, "rates");

        Assert.That(error.Message, Is.EqualTo(
            $"{file}:3:5: rates[1].value: must be positive\n" +
            $"{file}:4:5: rates[2].value: must be positive"));
    }

    [Test]
    public void Validation_is_skipped_for_records_that_failed_to_bind()
    {
        var (root, file) = Load("epochs: -1\nwarmup: {epochs: x}\n");

        Assert.That(BindFails<ScheduleOptions>(root).Message, Is.EqualTo($"{file}:2:18: warmup.epochs: expected an integer, got 'x'"));
    }

    [Test]
    public void Validation_sees_values_from_overrides_and_reports_the_override()
    {
        var files = new RecipeFiles();
        var path = files.Write("recipe.yaml", "epochs: 10\n");
        var root = RecipeLoader.Load(path, ["epochs=0"]);

        Assert.That(BindFails<ScheduleOptions>(root).Message, Is.EqualTo("--set epochs=0: epochs: must be positive"));
    }

    [Test]
    public void Unsupported_member_types_are_a_programming_error()
    {
        var (root, _) = Load("value: 1\n");

        Assert.Throws<NotSupportedException>(() => RecipeBinder.Bind<Dictionary<int, int>>(root, ""));
    }
}
