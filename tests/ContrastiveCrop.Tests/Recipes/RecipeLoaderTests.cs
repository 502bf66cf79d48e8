using System;
using System.Linq;
using NUnit.Framework;

using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Tests.Recipes;

[TestFixture]
public sealed class RecipeLoaderTests
{
    private static readonly string[] NoOverrides = [];

    private static RecipeException LoadFails(string path, params string[] overrides) =>
        Assert.Throws<RecipeException>(() => RecipeLoader.Load(path, overrides))!;

    [Test]
    public void Bases_are_merged_in_listed_order_and_the_file_itself_wins()
    {
        var files = new RecipeFiles();
        files.Write("first.yaml", "a: first\nb: first\n");
        files.Write("second.yaml", "b: second\nc: second\n");
        var main = files.Write("main.yaml", "_base_: [first.yaml, second.yaml]\nc: main\nd: main\n");

        var root = RecipeLoader.Load(main, NoOverrides);

        Assert.That(TreeText.Of(root), Is.EqualTo("{a: first, b: second, c: main, d: main}"));
    }

    [Test]
    public void Mappings_merge_deeply_while_sequences_and_scalars_are_replaced_whole()
    {
        var files = new RecipeFiles();
        files.Write("base.yaml", "model:\n  depth: 50\n  width: 1\n  head: {dim: 128}\nsizes: [1, 2, 3]\nname: base\n");
        var main = files.Write(
            "main.yaml",
            "_base_: base.yaml\nmodel:\n  width: 2\n  head: {layers: 3}\n  extra: true\nsizes: [9]\nname: {nested: yes}\n");

        var root = RecipeLoader.Load(main, NoOverrides);

        Assert.That(
            TreeText.Of(root),
            Is.EqualTo("{model: {depth: 50, width: 2, head: {dim: 128, layers: 3}, extra: true}, sizes: [9], name: {nested: yes}}"));
    }

    [Test]
    public void A_scalar_replaces_a_mapping_from_a_base()
    {
        var files = new RecipeFiles();
        files.Write("base.yaml", "optimizer:\n  name: sgd\n");
        var main = files.Write("main.yaml", "_base_: base.yaml\noptimizer: adam\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(main, NoOverrides)), Is.EqualTo("{optimizer: adam}"));
    }

    [Test]
    public void A_mapping_marked_delete_replaces_the_base_mapping_and_loses_the_marker()
    {
        var files = new RecipeFiles();
        files.Write("base.yaml", "optimizer:\n  name: sgd\n  momentum: 0.9\nepochs: 100\n");
        var main = files.Write("main.yaml", "_base_: base.yaml\noptimizer:\n  _delete_: true\n  name: adam\n  betas: [0.9, 0.999]\n");

        var root = RecipeLoader.Load(main, NoOverrides);

        Assert.That(TreeText.Of(root), Is.EqualTo("{optimizer: {name: adam, betas: [0.9, 0.999]}, epochs: 100}"));
    }

    [Test]
    public void A_delete_marker_set_to_false_merges_normally_and_is_dropped()
    {
        var files = new RecipeFiles();
        files.Write("base.yaml", "optimizer:\n  name: sgd\n  momentum: 0.9\n");
        var main = files.Write("main.yaml", "_base_: base.yaml\noptimizer:\n  _delete_: false\n  name: adam\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(main, NoOverrides)), Is.EqualTo("{optimizer: {name: adam, momentum: 0.9}}"));
    }

    [Test]
    public void A_delete_marker_without_anything_underneath_is_simply_dropped()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "a:\n  _delete_: true\n  x: 1\n  inner:\n    _delete_: true\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(main, NoOverrides)), Is.EqualTo("{a: {x: 1, inner: {}}}"));
    }

    [Test]
    public void A_delete_marker_in_a_later_base_replaces_the_same_mapping_from_an_earlier_base()
    {
        var files = new RecipeFiles();
        files.Write("first.yaml", "augment:\n  blur: 0.5\n  flip: 0.5\n");
        files.Write("second.yaml", "augment:\n  _delete_: true\n  crop: 0.2\n");
        var main = files.Write("main.yaml", "_base_: [first.yaml, second.yaml]\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(main, NoOverrides)), Is.EqualTo("{augment: {crop: 0.2}}"));
    }

    [Test]
    public void Bases_of_bases_are_resolved_recursively()
    {
        var files = new RecipeFiles();
        files.Write("low.yaml", "a: low\nb: low\nc: low\n");
        files.Write("mid.yaml", "_base_: low.yaml\nb: mid\n");
        var top = files.Write("top.yaml", "_base_: mid.yaml\nc: top\n");

        var root = RecipeLoader.Load(top, NoOverrides);

        Assert.That(TreeText.Of(root), Is.EqualTo("{a: low, b: mid, c: top}"));
    }

    [Test]
    public void Base_paths_are_relative_to_the_folder_of_the_file_that_names_them()
    {
        var files = new RecipeFiles();
        files.Write("bases/common/defaults.yaml", "seed: 1\n");
        files.Write("bases/model.yaml", "_base_: common/defaults.yaml\nmodel: resnet\n");
        var top = files.Write("experiments/run.yaml", "_base_:\n  - ../bases/model.yaml\nepochs: 3\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(top, NoOverrides)), Is.EqualTo("{seed: 1, model: resnet, epochs: 3}"));
    }

    [Test]
    public void A_base_reached_twice_through_different_files_is_not_a_cycle()
    {
        var files = new RecipeFiles();
        files.Write("common.yaml", "a: 1\n");
        files.Write("left.yaml", "_base_: common.yaml\nb: 2\n");
        files.Write("right.yaml", "_base_: common.yaml\nc: 3\n");
        var main = files.Write("main.yaml", "_base_: [left.yaml, right.yaml]\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(main, NoOverrides)), Is.EqualTo("{a: 1, b: 2, c: 3}"));
    }

    [Test]
    public void Base_keys_do_not_appear_in_the_result()
    {
        var files = new RecipeFiles();
        files.Write("base.yaml", "_base_: []\nx: 1\n");
        var main = files.Write("main.yaml", "_base_: base.yaml\n");

        Assert.That(RecipeLoader.Load(main, NoOverrides).ContainsKey("_base_"), Is.False);
    }

    [Test]
    public void Keys_keep_the_position_of_the_file_that_set_them_last()
    {
        var files = new RecipeFiles();
        var basePath = files.Write("base.yaml", "lr: 0.1\nepochs: 10\n");
        var main = files.Write("main.yaml", "_base_: base.yaml\nepochs: 20\n");

        var root = RecipeLoader.Load(main, NoOverrides);

        Assert.Multiple(() =>
        {
            Assert.That(root.GetEntry("lr")!.KeyLocation, Is.EqualTo(new SourceLocation(basePath, 1, 1)));
            Assert.That(root.GetEntry("lr")!.Value.Location, Is.EqualTo(new SourceLocation(basePath, 1, 5)));
            Assert.That(root.GetEntry("epochs")!.KeyLocation, Is.EqualTo(new SourceLocation(main, 2, 1)));
            Assert.That(root.GetEntry("epochs")!.Value.Location, Is.EqualTo(new SourceLocation(main, 2, 9)));
        });
    }

    [Test]
    public void A_cycle_between_bases_is_reported_with_the_whole_chain()
    {
        var files = new RecipeFiles();
        var a = files.Write("a.yaml", "_base_: b.yaml\nx: 1\n");
        var b = files.Write("b.yaml", "x: 0\n_base_: a.yaml\n");

        var error = LoadFails(a);

        Assert.That(error.Message, Is.EqualTo($"{b}:2:9: _base_: cycle in base files: {a} -> {b} -> {a}"));
    }

    [Test]
    public void A_file_naming_itself_as_base_is_a_cycle()
    {
        var files = new RecipeFiles();
        var a = files.Write("a.yaml", "_base_: ./a.yaml\n");

        Assert.That(LoadFails(a).Message, Is.EqualTo($"{a}:1:9: _base_: cycle in base files: {a} -> {a}"));
    }

    [Test]
    public void A_missing_base_names_the_referencing_file_position_and_the_missing_path()
    {
        var files = new RecipeFiles();
        files.Write("present.yaml", "a: 1\n");
        var main = files.Write("main.yaml", "model:\n  depth: 1\n_base_:\n  - present.yaml\n  - missing.yaml\n");

        var error = LoadFails(main);

        Assert.That(error.Message, Is.EqualTo($"{main}:5:5: _base_: base file not found: {files.PathOf("missing.yaml")}"));
    }

    [Test]
    public void A_missing_recipe_file_is_reported_without_position()
    {
        var files = new RecipeFiles();

        Assert.That(LoadFails(files.PathOf("nope.yaml")).Message, Is.EqualTo($"recipe file not found: {files.PathOf("nope.yaml")}"));
    }

    [Test]
    public void A_syntax_error_reports_file_line_column_and_the_parser_message()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "a: 1\nb: c: d\n");

        var error = LoadFails(main);

        // The message text is YamlDotNet's; its own "(Line: .., Col: ..)" prefix is dropped
        // because the position is already in front.
        Assert.That(error.Message, Is.EqualTo($"{main}:2:5: While scanning a plain scalar value, found invalid mapping."));
    }

    [Test]
    public void A_syntax_error_in_a_base_is_reported_in_that_base()
    {
        var files = new RecipeFiles();
        var broken = files.Write("broken.yaml", "x: [1, 2\n");
        var main = files.Write("main.yaml", "_base_: broken.yaml\n");

        var error = LoadFails(main).Errors.Single();

        Assert.That(error.Location!.File, Is.EqualTo(broken));
    }

    [TestCase("- a\n- b\n", "a sequence")]
    [TestCase("just text\n", "a scalar")]
    public void The_top_level_must_be_a_mapping(string text, string kind)
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", text);

        Assert.That(LoadFails(main).Message, Is.EqualTo($"{main}:1:1: the top level of a recipe must be a mapping, got {kind}"));
    }

    [Test]
    public void The_top_level_of_a_base_must_be_a_mapping_too()
    {
        var files = new RecipeFiles();
        var list = files.Write("list.yaml", "\n- 1\n");
        var main = files.Write("main.yaml", "_base_: list.yaml\n");

        Assert.That(LoadFails(main).Message, Is.EqualTo($"{list}:2:1: the top level of a recipe must be a mapping, got a sequence"));
    }

    [Test]
    public void An_empty_file_is_an_empty_recipe()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "# nothing yet\n");

        Assert.That(RecipeLoader.Load(main, NoOverrides).Count, Is.Zero);
    }

    [Test]
    public void Every_duplicate_key_is_reported_with_the_first_definition()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "model:\n  depth: 50\n  width: 2\n  depth: 101\nseed: 1\nseed: 2\n");

        var error = LoadFails(main);

        Assert.That(error.Message, Is.EqualTo(
            $"{main}:4:3: model.depth: duplicate key 'depth' (first defined at 2:3)\n" +
            $"{main}:6:1: seed: duplicate key 'seed' (first defined at 5:1)"));
    }

    [Test]
    public void An_invalid_delete_marker_is_reported_at_its_value()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "a:\n  _delete_: maybe\n");

        Assert.That(LoadFails(main).Message, Is.EqualTo($"{main}:2:13: a._delete_: '_delete_' must be true or false"));
    }

    [Test]
    public void A_base_that_is_not_a_path_is_reported()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "_base_: {a: 1}\n");

        Assert.That(LoadFails(main).Message, Is.EqualTo($"{main}:1:9: _base_: expected a file path or a list of file paths"));
    }

    [Test]
    public void More_than_one_document_is_rejected()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "a: 1\n---\nb: 2\n");

        Assert.That(LoadFails(main).Message, Is.EqualTo($"{main}:2:1: a recipe must contain a single YAML document"));
    }

    [Test]
    public void Non_plain_and_str_tagged_scalars_count_as_quoted()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "a: !!str 5\nb: |\n  text\nc: 5\nd: ''\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(main, NoOverrides)), Is.EqualTo("{a: \"5\", b: \"text\n\", c: 5, d: \"\"}"));
    }

    [Test]
    public void Aliases_resolve_to_their_anchored_nodes()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "size: &s 224\ncrop: *s\n");

        Assert.That(TreeText.Of(RecipeLoader.Load(main, NoOverrides)), Is.EqualTo("{size: 224, crop: 224}"));
    }

    [Test]
    public void Overrides_replace_existing_keys_and_add_new_ones_at_any_depth()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "model:\n  depth: 50\nlr: 0.1\nnothing: ~\n");

        var root = RecipeLoader.Load(main, ["model.depth=101", "model.pretrained=true", "schedule.warmup.epochs=5", "nothing.x=1"]);

        Assert.That(
            TreeText.Of(root),
            Is.EqualTo("{model: {depth: 101, pretrained: true}, lr: 0.1, nothing: {x: 1}, schedule: {warmup: {epochs: 5}}}"));
    }

    [Test]
    public void Override_values_are_parsed_as_yaml_flow_nodes()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "a: 1\n");

        var root = RecipeLoader.Load(
            main,
            ["int=5", "float=0.1", "flag=true", "list=[1, 2]", "map={x: 1}", "text=\"quoted\"", "empty=", "spaced=two words"]);

        Assert.That(
            TreeText.Of(root),
            Is.EqualTo("{a: 1, int: 5, float: 0.1, flag: true, list: [1, 2], map: {x: 1}, text: \"quoted\", empty: ~, spaced: two words}"));
    }

    [Test]
    public void A_mapping_override_merges_like_a_base_part_and_later_overrides_win()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "model:\n  depth: 50\n  width: 2\n");

        var root = RecipeLoader.Load(main, ["model={depth: 18}", "model.depth=34"]);

        Assert.That(TreeText.Of(root), Is.EqualTo("{model: {depth: 34, width: 2}}"));
    }

    [Test]
    public void A_mapping_override_with_delete_replaces_the_mapping_whole()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "model:\n  depth: 50\n  width: 2\n");

        var root = RecipeLoader.Load(main, ["model={_delete_: true, depth: 18}"]);

        Assert.That(TreeText.Of(root), Is.EqualTo("{model: {depth: 18}}"));
    }

    [Test]
    public void Override_nodes_are_located_at_the_override_index()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "model:\n  depth: 50\n");

        var root = RecipeLoader.Load(main, ["lr=0.1", "model.depth=101", "new.key=[1]"]);

        var model = (RecipeMapping)root.GetEntry("model")!.Value;
        var created = (RecipeMapping)root.GetEntry("new")!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetEntry("lr")!.Value.Location, Is.EqualTo(new SourceLocation("--set", 1, 1)));
            Assert.That(model.GetEntry("depth")!.Value.Location, Is.EqualTo(new SourceLocation("--set", 2, 1)));
            Assert.That(model.GetEntry("depth")!.KeyLocation, Is.EqualTo(new SourceLocation(main, 2, 3)), "an existing key stays where it was written");
            Assert.That(created.Location, Is.EqualTo(new SourceLocation("--set", 3, 1)));
            Assert.That(((RecipeSequence)created.GetEntry("key")!.Value)[0].Location, Is.EqualTo(new SourceLocation("--set", 3, 1)));
        });
    }

    [Test]
    public void Malformed_overrides_are_all_reported_with_their_text()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "model:\n  depth: 50\n");

        var error = LoadFails(main, "novalue", "=5", "a..b=1", "ok=1", "model.depth.x=1");

        Assert.That(error.Message, Is.EqualTo(
            "--set novalue: invalid override: expected key.path=value\n" +
            "--set =5: invalid override: the key is empty or has an empty segment\n" +
            "--set a..b=1: invalid override: the key is empty or has an empty segment\n" +
            "--set model.depth.x=1: model.depth.x: cannot set this key because 'model.depth' is a scalar, not a mapping"));
    }

    [Test]
    public void An_override_value_that_is_not_valid_yaml_is_reported_with_its_text()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "a: 1\n");

        var error = LoadFails(main, "a=1", "sizes=[1,").Errors.Single();

        Assert.Multiple(() =>
        {
            Assert.That(error.Location, Is.EqualTo(new SourceLocation("--set", 2, 1)));
            Assert.That(error.KeyPath, Is.EqualTo("sizes"));
            Assert.That(error.ToString(), Does.StartWith("--set sizes=[1,: sizes: invalid override value: "));
        });
    }

    [Test]
    public void Errors_from_files_and_overrides_are_reported_together()
    {
        var files = new RecipeFiles();
        var main = files.Write("main.yaml", "_base_: gone.yaml\na: 1\n");

        var error = LoadFails(main, "broken");

        Assert.That(error.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            $"{main}:1:9: _base_: base file not found: {files.PathOf("gone.yaml")}",
            "--set broken: invalid override: expected key.path=value",
        }));
    }

    [Test]
    public void Loading_does_not_depend_on_the_current_directory()
    {
        var files = new RecipeFiles();
        files.Write("sub/base.yaml", "a: 1\n");
        var main = files.Write("sub/main.yaml", "_base_: base.yaml\n");
        var relative = System.IO.Path.GetRelativePath(Environment.CurrentDirectory, main);

        Assert.That(TreeText.Of(RecipeLoader.Load(relative, NoOverrides)), Is.EqualTo("{a: 1}"));
    }
}
