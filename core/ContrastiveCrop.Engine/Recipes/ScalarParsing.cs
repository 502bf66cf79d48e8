using System.Globalization;
using System.Text.RegularExpressions;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Interprets plain scalar text by the YAML 1.2 core schema. The 1.1 spellings
/// (<c>yes</c>, <c>on</c>, <c>0x1F</c>, <c>1_000</c>) are deliberately rejected: a recipe value
/// that silently turns into a boolean is harder to debug than an error.
/// </summary>
internal static partial class ScalarParsing
{
    public static bool? ParseBoolean(string text) => text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    public static bool LooksLikeInteger(string text) => IntegerSyntax().IsMatch(text);

    public static bool TryParseFloatingPoint(string text, out double value)
    {
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }

        value = 0;
        return FloatSyntax().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerSyntax();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatSyntax();
}
