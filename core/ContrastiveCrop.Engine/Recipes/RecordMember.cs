using System;
using System.Reflection;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// One bindable member of an options type: a constructor parameter or a settable property.
/// </summary>
internal sealed class RecordMember
{
    public RecordMember(string key, Type type, NullabilityInfo nullability, bool isRequired, ParameterInfo? parameter, PropertyInfo? property)
    {
        Key = key;
        Type = type;
        Nullability = nullability;
        IsRequired = isRequired;
        Parameter = parameter;
        Property = property;
    }

    /// <summary>The recipe key (snake_case) that sets this member.</summary>
    public string Key { get; }

    public Type Type { get; }

    /// <summary>The declared nullability, which decides whether a YAML null is acceptable.</summary>
    public NullabilityInfo Nullability { get; }

    public bool IsRequired { get; }

    /// <summary>Set when the member is passed to the constructor.</summary>
    public ParameterInfo? Parameter { get; }

    /// <summary>Set when the member is assigned after construction.</summary>
    public PropertyInfo? Property { get; }
}
