using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// How to build an options type from a mapping: which constructor to call and which keys
/// feed which constructor parameters or init-only properties. Computed once per type.
/// </summary>
internal sealed class RecordShape
{
    private static readonly ConcurrentDictionary<Type, RecordShape> Cache = new();

    private readonly Dictionary<string, RecordMember> _byKey;

    private RecordShape(Type type, ConstructorInfo? constructor, IReadOnlyList<RecordMember> members)
    {
        Type = type;
        Constructor = constructor;
        Members = members;
        _byKey = new Dictionary<string, RecordMember>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (!_byKey.TryAdd(member.Key, member))
            {
                throw new NotSupportedException(
                    $"Cannot bind recipes to {type.FullName}: two members map to the recipe key '{member.Key}'.");
            }
        }
    }

    public Type Type { get; }

    /// <summary>The constructor to call; <see langword="null"/> for a struct built with its default constructor.</summary>
    public ConstructorInfo? Constructor { get; }

    /// <summary>Constructor parameters first, in order, then properties.</summary>
    public IReadOnlyList<RecordMember> Members { get; }

    public static RecordShape For(Type type) => Cache.GetOrAdd(type, Analyze);

    public RecordMember? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>Builds an instance from the values found in the recipe.</summary>
    /// <param name="values">Values by member; members left out take their declared defaults.</param>
    public object Create(IReadOnlyDictionary<RecordMember, object?> values)
    {
        object instance;
        if (Constructor is null)
        {
            instance = Activator.CreateInstance(Type)!;
        }
        else
        {
            // Type.Missing makes reflection use the parameter's declared default, which avoids
            // re-implementing how C# encodes defaults of enums, nullables and structs.
            var arguments = Constructor.GetParameters()
                .Select(parameter => Members.First(member => member.Parameter == parameter))
                .Select(member => values.TryGetValue(member, out var value) ? value : Type.Missing)
                .ToArray();
            instance = Invoke(() => Constructor.Invoke(arguments));
        }

        foreach (var (member, value) in values)
        {
            if (member.Property is not null)
            {
                Invoke(() => { member.Property.SetValue(instance, value); return instance; });
            }
        }

        return instance;
    }

    // Constructors of options types may validate their arguments; their exception is the
    // interesting one, not the reflection wrapper around it.
    private static object Invoke(Func<object> action)
    {
        try
        {
            return action();
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }

    private static RecordShape Analyze(Type type)
    {
        if (type.IsAbstract || type.IsInterface)
        {
            throw new NotSupportedException($"Cannot bind recipes to {type.FullName}: it is abstract.");
        }

        var nullability = new NullabilityInfoContext();
        var constructor = ChooseConstructor(type);
        var members = new List<RecordMember>();
        var parameters = constructor?.GetParameters() ?? [];
        foreach (var parameter in parameters)
        {
            members.Add(new RecordMember(
                RecipeNaming.ToSnakeCase(parameter.Name ?? throw new NotSupportedException($"Unnamed constructor parameter in {type.FullName}.")),
                parameter.ParameterType,
                nullability.Create(parameter),
                isRequired: !parameter.HasDefaultValue,
                parameter,
                property: null));
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            .Where(property => !parameters.Any(parameter =>
                string.Equals(parameter.Name, property.Name, StringComparison.OrdinalIgnoreCase)));
        foreach (var property in properties)
        {
            members.Add(new RecordMember(
                RecipeNaming.ToSnakeCase(property.Name),
                property.PropertyType,
                nullability.Create(property),
                isRequired: property.IsDefined(typeof(RequiredMemberAttribute), inherit: true),
                parameter: null,
                property));
        }

        return new RecordShape(type, constructor, members);
    }

    // A positional record has one public constructor, its primary one (the copy constructor
    // is protected). A class with init-only properties has a parameterless one.
    private static ConstructorInfo? ChooseConstructor(Type type)
    {
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length == 0)
        {
            return type.IsValueType
                ? null
                : throw new NotSupportedException($"Cannot bind recipes to {type.FullName}: it has no public constructor.");
        }

        var widest = constructors.Max(constructor => constructor.GetParameters().Length);
        var candidates = constructors.Where(constructor => constructor.GetParameters().Length == widest).ToArray();
        return candidates.Length == 1
            ? candidates[0]
            : throw new NotSupportedException(
                $"Cannot bind recipes to {type.FullName}: several public constructors take {widest} parameters.");
    }
}
