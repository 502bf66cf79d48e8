using System.Text.Json;

namespace ContrastiveCrop.Detection.Formats;

/// <summary>
/// The shape of a COCO instances file without its contents: how many images, annotations and categories its three
/// top-level arrays hold, and the images' file names. Read in one streaming pass (<see cref="Read"/>), for files too
/// large to parse twice (COCO's train2017 instances file is 450 MB).
/// </summary>
/// <param name="Images">Elements of the top-level <c>images</c> array.</param>
/// <param name="Annotations">Elements of <c>annotations</c>.</param>
/// <param name="Categories">Elements of <c>categories</c>.</param>
/// <param name="ImageFiles">Each image's <c>file_name</c>, in file order (images without one are left out).</param>
public sealed record CocoOutline(int Images, int Annotations, int Categories, IReadOnlyList<string> ImageFiles)
{
    /// <summary>The top-level arrays an instances file must have.</summary>
    private static readonly string[] Sections = ["images", "annotations", "categories"];

    /// <summary>Bytes read from the file at a time; a token longer than this grows the buffer (up to <see cref="MaxTokenBytes"/>).</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>The longest single JSON token accepted (a string or number); COCO's longest are RLE mask strings of a few kB.</summary>
    public const int MaxTokenBytes = 64 << 20;

    /// <summary>
    /// Reads <paramref name="path"/> with <see cref="Utf8JsonReader"/> over a <see cref="FileStream"/> a chunk at a time:
    /// memory stays at about one chunk plus the file names, whatever the file's size.
    /// </summary>
    /// <exception cref="DetectionFormatException">
    /// The file is not JSON (the message gives the line, column and byte offset of the first error), is not an object, or
    /// lacks one of the <c>images</c>, <c>annotations</c> and <c>categories</c> arrays, or an element of one is not an object.
    /// </exception>
    public static CocoOutline Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var walker = new Walker(path);
        var buffer = new byte[ChunkBytes];
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 });
        int filled = 0;
        long before = 0;
        // Lines before the buffer's first byte and where the last of them started: the reader gives an error's line and
        // its byte in the line; these turn that into the error's offset in the file.
        long lines = 0, lineStart = 0;
        bool final = false;
        while (true)
        {
            while (!final && filled < buffer.Length)
            {
                int read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0) final = true;
                else filled += read;
            }
            var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, state);
            try
            {
                while (reader.Read()) walker.Visit(ref reader);
            }
            catch (JsonException e)
            {
                throw Malformed(path, e, Offset(buffer.AsSpan(0, filled), before, lines, lineStart, e));
            }
            if (final) break;
            state = reader.CurrentState;
            int used = (int)reader.BytesConsumed;
            var done = buffer.AsSpan(0, used);
            int newlines = done.Count((byte)'\n');
            if (newlines > 0) (lines, lineStart) = (lines + newlines, before + done.LastIndexOf((byte)'\n') + 1);
            // What the reader could not finish (a token cut by the chunk's end) moves to the front and is read again with more.
            Buffer.BlockCopy(buffer, used, buffer, 0, filled - used);
            filled -= used;
            before += used;
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxTokenBytes)
                    throw new DetectionFormatException(path, $"byte {before}", $"a single JSON value is longer than {MaxTokenBytes >> 20} MiB; this is not a COCO instances file");
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        return walker.Finish();
    }

    /// <summary>The file offset of the reader's error position (its 0-based line and byte in that line), from the buffer it failed in.</summary>
    private static long Offset(ReadOnlySpan<byte> buffer, long before, long lines, long lineStart, JsonException e)
    {
        if (e.LineNumber is not { } line) return before;
        int at = 0;
        while (lines < line && buffer[at..].IndexOf((byte)'\n') is var next and >= 0)
        {
            at += next + 1;
            lines++;
            lineStart = before + at;
        }
        return lineStart + (e.BytePositionInLine ?? 0);
    }

    /// <summary>
    /// <see cref="Utf8JsonReader"/>'s message ends with its own 0-based "LineNumber: n | BytePositionInLine: m."; the
    /// position is given once, 1-based as editors count, with the byte offset in the file.
    /// </summary>
    private static DetectionFormatException Malformed(string path, JsonException e, long offset)
    {
        var (where, reason) = Describe(e);
        return new DetectionFormatException(path, e.LineNumber is null ? $"byte {offset}" : $"{where} (byte {offset})", $"not valid JSON: {reason}. Fix or regenerate the file.", e);
    }

    /// <summary>Where a JSON error is, as "line L, column C" (1-based), and its reason without the reader's own position suffix or final period.</summary>
    internal static (string Where, string Reason) Describe(JsonException e)
    {
        var reason = e.Message;
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut];
        string where = e.LineNumber is { } line ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "$";
        return (where, reason.TrimEnd().TrimEnd('.'));
    }

    /// <summary>Follows the token stream: which top-level array it is in, and each element's position in it.</summary>
    private sealed class Walker(string path)
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly List<string> _files = [];
        private string? _section;
        private bool _fileNameNext;

        public void Visit(ref Utf8JsonReader reader)
        {
            int depth = reader.CurrentDepth;
            var token = reader.TokenType;
            if (depth == 0)
            {
                if (token is not (JsonTokenType.StartObject or JsonTokenType.EndObject))
                    throw new DetectionFormatException(path, "$", $"an instances file must be a JSON object with images, annotations and categories; it starts with {Describe(token)}");
                return;
            }
            if (depth == 1)
            {
                if (token == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    _section = Sections.Contains(name) ? name : null;
                    return;
                }
                if (_section is null || token == JsonTokenType.EndArray) return;
                if (token != JsonTokenType.StartArray)
                    throw new DetectionFormatException(path, _section, $"must be an array, not {Describe(token)}");
                _counts[_section] = 0;
                return;
            }
            if (_section is null) return;
            if (depth == 2 && token is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
            {
                int index = _counts[_section]++;
                if (token != JsonTokenType.StartObject)
                    throw new DetectionFormatException(path, $"{_section}[{index}]", $"must be an object, not {Describe(token)}");
                return;
            }
            if (_section != "images") return;
            if (depth == 3 && token == JsonTokenType.PropertyName)
                _fileNameNext = reader.ValueTextEquals("file_name"u8);
            else if (depth == 3 && _fileNameNext)
            {
                if (token == JsonTokenType.String) _files.Add(reader.GetString()!);
                _fileNameNext = false;
            }
        }

        public CocoOutline Finish()
        {
            var missing = Sections.Where(s => !_counts.ContainsKey(s)).ToList();
            if (missing.Count > 0)
                throw new DetectionFormatException(path, "$",
                    $"has no top-level {string.Join(", ", missing.Select(m => $"'{m}'"))} array{(missing.Count > 1 ? "s" : "")}; a COCO instances file has images, annotations and categories");
            return new CocoOutline(_counts["images"], _counts["annotations"], _counts["categories"], _files);
        }

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartArray => "an array",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => token.ToString(),
        };
    }
}
