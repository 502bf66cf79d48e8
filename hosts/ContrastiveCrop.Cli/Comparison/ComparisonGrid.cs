using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ContrastiveCrop.Cli.Comparison;

/// <summary>One value of the varied key: its YAML text (passed as <c>--set KEY=text</c>) is also its label.</summary>
internal sealed record Setting(string Value);

/// <summary>
/// What <c>ccrop compare</c> runs: one recipe key set to each of several values, each with several
/// seeds, every cell in a folder of its own so a repeated command finds and reuses finished runs.
/// </summary>
/// <param name="Key">The varied recipe key path, e.g. <c>pretrain.sampler</c>.</param>
/// <param name="Settings">Its values, the first being the baseline the others are compared with.</param>
/// <param name="Seeds">The seeds each setting runs with.</param>
internal sealed partial record ComparisonGrid(string Key, IReadOnlyList<Setting> Settings, IReadOnlyList<long> Seeds)
{
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")]
    private static partial Regex KeyPath();

    /// <summary>Parses <c>KEY=[v1, v2, ...]</c> (YAML values) and <c>0,1,2</c>.</summary>
    public static ComparisonGrid Parse(string vary, string seeds)
    {
        int equals = vary.IndexOf('=');
        if (equals <= 0)
            throw new UsageException($"--vary '{vary}': expected KEY=[value1, value2, ...], e.g. --vary \"pretrain.lr=[0.03, 0.06]\".");
        var key = vary[..equals].Trim();
        if (!KeyPath().IsMatch(key))
            throw new UsageException($"--vary: '{key}' is not a recipe key path (snake_case names joined by dots, e.g. pretrain.sampler).");
        var text = vary[(equals + 1)..];
        List<Setting> settings;
        try
        {
            settings = [.. Items(text, key).Select(v => new Setting(v))];
        }
        catch (YamlException e)
        {
            throw new UsageException($"--vary {key}: the values are not valid YAML at column {e.Start.Column + equals + 1}: {e.Message}");
        }
        if (settings.Count < 2)
            throw new UsageException($"--vary {key}: give at least two values to compare; got {settings.Count}.");
        var duplicate = settings.GroupBy(s => s.Value).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new UsageException($"--vary {key}: the value '{duplicate.Key}' is listed twice.");
        return new ComparisonGrid(key, settings, ParseSeeds(seeds));
    }

    /// <summary>
    /// The source text of each item of the YAML list <paramref name="text"/>, from the parser's event
    /// positions: passed on as --set KEY=&lt;text&gt;, so the recipe loader reads exactly what was typed.
    /// </summary>
    private static List<string> Items(string text, string key)
    {
        var parser = new Parser(new StringReader(text));
        var items = new List<string>();
        int depth = 0, start = 0;
        bool sequence = false;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case StreamStart or StreamEnd or DocumentStart or DocumentEnd: continue;
                case SequenceStart when depth == 0:
                    sequence = true;
                    depth = 1;
                    continue;
                case SequenceEnd when depth == 1:
                    depth = 0;
                    continue;
            }
            if (!sequence) throw new UsageException(NotAList(text, key));
            if (depth == 1) start = (int)current.Start.Index;
            if (current is SequenceStart or MappingStart) depth++;
            else if (current is SequenceEnd or MappingEnd) depth--;
            if (depth == 1) items.Add(text[start..End(text, current)].Trim());
        }
        if (!sequence) throw new UsageException(NotAList(text, key));
        return items;
    }

    /// <summary>Where an event's text ends; a flow collection's end event starts at its bracket and may not cover it.</summary>
    private static int End(string text, ParsingEvent e)
    {
        int end = (int)e.End.Index, start = (int)e.Start.Index;
        return e is MappingEnd or SequenceEnd && start < text.Length && text[start] is '}' or ']' ? Math.Max(end, start + 1) : end;
    }

    private static string NotAList(string text, string key) => $"--vary {key}: the values must be a YAML list such as [a, b]; got '{text}'.";

    private static List<long> ParseSeeds(string seeds)
    {
        var list = new List<long>();
        foreach (var part in seeds.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seed) || seed < 0)
                throw new UsageException($"--seeds '{seeds}': '{part}' is not a non-negative integer; write e.g. --seeds 0,1,2.");
            if (list.Contains(seed)) throw new UsageException($"--seeds '{seeds}': seed {seed} is listed twice.");
            list.Add(seed);
        }
        return list;
    }

    /// <summary>
    /// The folder of one cell under <paramref name="root"/>: a readable slug of the value plus a hash
    /// of its exact text, so reordering or editing values never reuses another value's runs.
    /// </summary>
    public string CellFolder(string root, Setting setting, long seed) =>
        Path.Combine(root, $"{Slug(setting.Value)}-{Hash(setting.Value)}", $"seed-{seed}");

    /// <summary>The overrides that turn the recipe into one cell.</summary>
    public IReadOnlyList<string> Overrides(Setting setting, long seed, string cellFolder) =>
        [$"{Key}={setting.Value}", $"seed={seed}", $"output_dir={cellFolder}"];

    private static string Slug(string value)
    {
        var slug = Regex.Replace(value, "[^A-Za-z0-9._-]+", "-").Trim('-');
        return slug.Length == 0 ? "value" : slug.Length > 40 ? slug[..40] : slug;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8];
}
