using NUnit.Framework;

using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Tests.Recipes;

[TestFixture]
public sealed class RecipeWriterTests
{
    private static RecipeMapping LoadText(RecipeFiles files, string name, string yaml) =>
        RecipeLoader.Load(files.Write(name, yaml), []);

    [Test]
    public void Trees_are_written_in_block_style_in_tree_order()
    {
        var files = new RecipeFiles();
        var root = LoadText(
            files,
            "in.yaml",
            """
            name: simclr
            model: {depth: 50, pretrained: false}
            sizes: [224, 96]
            stages: [{name: warmup, epochs: 5}, {name: main, epochs: 95}]
            matrix: [[1, 2], []]
            empty: {}
            nothing:
            quoted: 'yes'
            multi: "a\nb"
            """);

        var yaml = RecipeWriter.ToYaml(root);

        Assert.That(yaml, Is.EqualTo(
            """
            name: simclr
            model:
              depth: 50
              pretrained: false
            sizes:
              - 224
              - 96
            stages:
              - name: warmup
                epochs: 5
              - name: main
                epochs: 95
            matrix:
              - - 1
                - 2
              - []
            empty: {}
            nothing: null
            quoted: 'yes'
            multi: "a\nb"

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Strings_that_would_read_back_differently_are_quoted()
    {
        var location = new SourceLocation("code", 1, 1);
        RecipeNode Plain(string text) => new RecipeScalar(text, false, location);
        var root = new RecipeMapping(
            [
                new RecipeMappingEntry("key: with colon", location, Plain("a: b")),
                new RecipeMappingEntry("", location, Plain(" padded ")),
                new RecipeMappingEntry("hash", location, Plain("x #y")),
                new RecipeMappingEntry("dash", location, Plain("-")),
                new RecipeMappingEntry("bracket", location, Plain("[x]")),
                new RecipeMappingEntry("apostrophe", location, new RecipeScalar("it's", true, location)),
                new RecipeMappingEntry("tab", location, new RecipeScalar("a\tb", true, location)),
                new RecipeMappingEntry("negative", location, Plain("-5")),
            ],
            location);

        Assert.That(RecipeWriter.ToYaml(root), Is.EqualTo(
            "'key: with colon': 'a: b'\n" +
            "'': ' padded '\n" +
            "hash: 'x #y'\n" +
            "dash: '-'\n" +
            "bracket: '[x]'\n" +
            "apostrophe: 'it''s'\n" +
            "tab: \"a\\tb\"\n" +
            "negative: -5\n"));
    }

    [Test]
    public void Writing_and_reloading_gives_the_same_tree()
    {
        var files = new RecipeFiles();
        files.Write("base.yaml", "model:\n  depth: 50\n  layers: [1, [2, 3], {a: b}]\n");
        var original = RecipeLoader.Load(
            files.Write(
                "main.yaml",
                """
                _base_: base.yaml
                name: "quoted name"
                number_text: "5"
                null_text: 'null'
                bool_text: "true"
                empty_text: ""
                nothing: ~
                colon: "a: b"
                comment_like: "x # y"
                leading: "  spaced"
                quotes: 'say "hi" it''s'
                backslash: "c:\\temp\\"
                unicode: "héllo ✓ \u0007 \u2028"
                multiline: |
                  line one
                  line two
                folded: >
                  folded
                  text
                "key with spaces": 1
                "123": numeric key
                "- dash key": 2
                sequences:
                  - []
                  - {}
                  - - - deep
                  - - k: v
                      other: [x, "y"]
                model:
                  extra: true
                """),
            ["lr=0.1", "tags=[a, 'b c']"]);

        var written = RecipeWriter.ToYaml(original);
        var reloaded = RecipeLoader.Load(files.Write("written.yaml", written), []);

        Assert.Multiple(() =>
        {
            Assert.That(reloaded.ContentEquals(original), Is.True, () => TreeText.Of(original) + "\n" + TreeText.Of(reloaded) + "\n" + written);
            Assert.That(RecipeWriter.ToYaml(reloaded), Is.EqualTo(written), "writing is stable");
        });
    }

    [Test]
    public void Content_equality_ignores_locations_but_not_quoting_or_order()
    {
        var files = new RecipeFiles();
        var a = LoadText(files, "a.yaml", "x: 1\ny: [a]\nz: ~\n");
        var moved = LoadText(files, "b.yaml", "\n\nx:    1\ny:\n  - a\nz: null\n");
        var quoted = LoadText(files, "c.yaml", "x: '1'\ny: [a]\nz: ~\n");
        var reordered = LoadText(files, "d.yaml", "y: [a]\nx: 1\nz: ~\n");

        Assert.Multiple(() =>
        {
            Assert.That(a.ContentEquals(moved), Is.True);
            Assert.That(a.ContentEquals(quoted), Is.False);
            Assert.That(a.ContentEquals(reordered), Is.False);
        });
    }

    [Test]
    public void A_scalar_root_is_written_on_one_line()
    {
        Assert.That(RecipeWriter.ToYaml(new RecipeScalar("x", false, new SourceLocation("f", 1, 1))), Is.EqualTo("x\n"));
    }
}
