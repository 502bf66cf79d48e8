using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// The inverse of <see cref="RecipeBinder"/>: writes a bound options record back as a recipe mapping with every
/// member, the defaults the recipe left out included, so a run's recipe.yaml says everything a plugin ran with.
/// Binding the result again gives an equal record.
/// </summary>
public static class OptionsWriter
{
    /// <summary>The members of <paramref name="options"/> as a mapping, in declaration order.</summary>
    /// <param name="options">A record the binder can build.</param>
    /// <param name="location">Location given to the written nodes (they come from no file).</param>
    /// <exception cref="NotSupportedException">A member cannot be read back (no public getter of the same name).</exception>
    public static RecipeMapping ToMapping(object options, SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(options);
        var type = options.GetType();
        var entries = new List<RecipeMappingEntry>();
        foreach (var member in RecordShape.For(type).Members)
        {
            var property = member.Property
                ?? type.GetProperty(member.Parameter!.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
                ?? throw new NotSupportedException($"{type.FullName} has no public property for its constructor parameter '{member.Parameter!.Name}'.");
            entries.Add(new RecipeMappingEntry(member.Key, location, ToNode(property.GetValue(options), location)));
        }

        return new RecipeMapping(entries, location);
    }

    /// <summary>One value as the node the binder reads back to the same value.</summary>
    public static RecipeNode ToNode(object? value, SourceLocation location) => value switch
    {
        null => RecipeScalar.Null(location),
        RecipeNode node => node,
        string text => new RecipeScalar(text, NeedsQuotes(text), location),
        bool flag => Plain(flag ? "true" : "false", location),
        int or long => Plain(Convert.ToString(value, CultureInfo.InvariantCulture)!, location),
        float single => Plain(Number(single), location),
        double number => Plain(Number(number), location),
        Enum member => Plain(RecipeNaming.ToKebabCase(member.ToString()), location),
        IDictionary dictionary => new RecipeMapping(
            dictionary.Keys.Cast<object>().Select(key => new RecipeMappingEntry((string)key, location, ToNode(dictionary[key], location))), location),
        IEnumerable items => new RecipeSequence(items.Cast<object?>().Select(item => ToNode(item, location)), location),
        _ => ToMapping(value, location),
    };

    private static RecipeScalar Plain(string text, SourceLocation location) => new(text, isQuoted: false, location);

    // "R" keeps the shortest text that parses back to the same float or double.
    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? ".inf" : double.IsNegativeInfinity(value) ? "-.inf" : double.IsNaN(value) ? ".nan"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(float value) =>
        float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : Number((double)value);

    // A string that plain YAML would read as null, a boolean or a number must be quoted to stay a string.
    private static bool NeedsQuotes(string text) =>
        new RecipeScalar(text, isQuoted: false, new SourceLocation("", 0, 0)).IsNull
        || ScalarParsing.ParseBoolean(text) is not null
        || ScalarParsing.LooksLikeInteger(text)
        || ScalarParsing.TryParseFloatingPoint(text, out _);
}
