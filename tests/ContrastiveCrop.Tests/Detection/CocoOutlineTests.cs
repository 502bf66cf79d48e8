using System.Text;
using System.Text.Json;
using ContrastiveCrop.Detection.Formats;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Detection;

/// <summary>
/// <see cref="CocoOutline"/> streams an instances file a chunk at a time; its counts, names and error positions are
/// checked against <see cref="JsonDocument"/> and <see cref="CocoJson"/>, which hold the whole file.
/// </summary>
[TestFixture]
public sealed class CocoOutlineTests
{
    private static string Write(string text, string name = "instances.json") => TestFolders.NewFile("coco", name, text);

    /// <summary>
    /// A valid instances file of <paramref name="images"/> images with two boxes each, one value per line (so lines
    /// are many and short), about 275 bytes per image: 10,000 images span several of the reader's 1 MiB chunks.
    /// </summary>
    private static string Instances(int images)
    {
        var text = new StringBuilder("{\n\"info\": {\"description\": \"images: [not this one]\", \"nested\": {\"images\": 5}},\n\"images\": [\n");
        for (int i = 1; i <= images; i++)
            text.Append($"{{\"id\": {i},\n\"width\": 64,\n\"height\": 48,\n\"file_name\": \"img/{i:D6}.jpg\"}}{(i < images ? "," : "")}\n");
        text.Append("],\n\"annotations\": [\n");
        for (int i = 1; i <= images; i++)
            for (int k = 0; k < 2; k++)
                text.Append($"{{\"id\": {2 * i + k},\n\"image_id\": {i},\n\"category_id\": {1 + k},\n\"bbox\": [1, 2, 10, 12],\n\"area\": 120,\n\"iscrowd\": 0}}{(i < images || k == 0 ? "," : "")}\n");
        text.Append("],\n\"categories\": [{\"id\": 1, \"name\": \"disc\"}, {\"id\": 2, \"name\": \"square\"}]\n}\n");
        return text.ToString();
    }

    [Test]
    public void Counts_and_file_names_over_several_chunks_agree_with_the_whole_file_parse()
    {
        var path = Write(Instances(10_000));
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(2 * CocoOutline.ChunkBytes), "the file spans several chunks");
        var whole = CocoJson.ReadInstances(path);

        var outline = CocoOutline.Read(path);

        Assert.That((outline.Images, outline.Annotations, outline.Categories), Is.EqualTo((whole.Images.Count, whole.Annotations.Count, whole.Categories.Count)));
        Assert.That(outline.ImageFiles, Is.EqualTo(whole.Images.Select(i => i.FileName)));
    }

    [TestCase(",\n\"area\": 120,", ",\n\"area\": 120", TestName = "A_missing_comma_past_the_first_chunk_is_reported_at_its_line_column_and_byte")]
    [TestCase("\"iscrowd\": 0}", "\"iscrowd\": 0]", TestName = "A_wrong_closing_bracket_past_the_first_chunk_is_reported_at_its_line_column_and_byte")]
    [TestCase("\"bbox\": [1, 2, 10, 12]", "\"bbox\": [1, 2, 1O, 12]", TestName = "A_letter_in_a_number_past_the_first_chunk_is_reported_at_its_line_column_and_byte")]
    public void Malformed_json_is_reported_where_it_is(string valid, string broken)
    {
        var text = Instances(10_000);
        // The damage goes in the second half of the file, several chunks in.
        int at = text.IndexOf(valid, text.Length / 2, StringComparison.Ordinal);
        var path = Write(text[..at] + broken + text[(at + valid.Length)..]);
        var expected = Assert.Throws(Is.InstanceOf<JsonException>(), () => JsonDocument.Parse(File.ReadAllBytes(path)))! as JsonException;
        // JsonDocument's line and byte-in-line, turned into a file offset by counting newlines.
        var bytes = File.ReadAllBytes(path);
        long lineStart = 0;
        int newlines = 0;
        for (int i = 0; i < bytes.Length && newlines < expected!.LineNumber; i++)
            if (bytes[i] == '\n') (newlines, lineStart) = (newlines + 1, i + 1);
        long offset = lineStart + expected!.BytePositionInLine!.Value;

        var error = Assert.Throws<DetectionFormatException>(() => CocoOutline.Read(path))!;

        Assert.That(offset, Is.GreaterThan(CocoOutline.ChunkBytes), "past the first chunk");
        Assert.That(error.Message, Does.StartWith($"{path}: line {expected.LineNumber + 1}, column {expected.BytePositionInLine + 1} (byte {offset}): not valid JSON: "));
        Assert.That(error.Message, Does.Not.Contain("LineNumber").And.Not.Contain("\n"));
    }

    [Test]
    public void A_file_cut_off_mid_way_is_not_valid_json()
    {
        var text = Instances(3_000);
        var path = Write(text[..(text.Length * 2 / 3)]);

        var error = Assert.Throws<DetectionFormatException>(() => CocoOutline.Read(path))!;

        Assert.That(error.Message, Does.StartWith(path + ": line ").And.Contain("not valid JSON"));
    }

    [TestCase("", "not valid JSON")]
    [TestCase("[{\"images\": []}]", "$: an instances file must be a JSON object with images, annotations and categories; it starts with an array")]
    [TestCase("{\"images\": [], \"categories\": []}", "$: has no top-level 'annotations' array")]
    [TestCase("{\"info\": {\"images\": [], \"annotations\": [], \"categories\": []}}", "$: has no top-level 'images', 'annotations', 'categories' arrays")]
    [TestCase("{\"images\": {}, \"annotations\": [], \"categories\": []}", "images: must be an array, not an object")]
    [TestCase("{\"images\": [{\"id\": 1}, 7], \"annotations\": [], \"categories\": []}", "images[1]: must be an object, not a number")]
    public void A_file_without_the_three_arrays_of_objects_names_what_is_missing(string text, string message)
    {
        var path = Write(text);

        var error = Assert.Throws<DetectionFormatException>(() => CocoOutline.Read(path))!;

        Assert.That(error.Message, Does.StartWith(path + ": ").And.Contain(message));
    }
}
