using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Reflection;
using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Binds recipe trees to immutable options types: positional records (through their primary
/// constructor; parameters with defaults are optional) and classes with init-only properties
/// (<c>required</c> ones must be present). Keys are snake_case spellings of member names.
/// </summary>
/// <remarks>
/// <para>
/// Supported member types: <see cref="string"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="float"/>, <see cref="double"/>, <see cref="bool"/>, enums (written in
/// kebab-case), nullable forms of these, arrays, <see cref="IReadOnlyList{T}"/>,
/// <see cref="IReadOnlyCollection{T}"/>, <see cref="IEnumerable{T}"/>,
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/> with string keys, nested options types, and
/// <see cref="RecipeNode"/> (or a subclass), which receives the raw subtree so that a plugin
/// can bind its own section later.
/// </para>
/// <para>
/// A YAML null is accepted only where the member is declared nullable. Types outside this list
/// are a programming error and raise <see cref="NotSupportedException"/> rather than a recipe error.
/// </para>
/// </remarks>
public static class RecipeBinder
{
    /// <summary>Binds <paramref name="node"/> to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <param name="node">The subtree to bind.</param>
    /// <param name="keyPath">
    /// Where <paramref name="node"/> sits in the recipe (<c>method</c>, or empty for the root);
    /// it prefixes the key paths in error messages.
    /// </param>
    /// <returns>The bound, validated options.</returns>
    /// <exception cref="RecipeException">The subtree does not fit the type; lists every error found.</exception>
    public static T Bind<T>(RecipeNode node, string keyPath) => (T)Bind(typeof(T), node, keyPath)!;

    /// <summary>Binds <paramref name="node"/> to <paramref name="type"/>.</summary>
    /// <param name="type">The options type.</param>
    /// <param name="node">The subtree to bind.</param>
    /// <param name="keyPath">Where <paramref name="node"/> sits in the recipe; empty for the root.</param>
    /// <returns>
    /// The bound, validated options; <see langword="null"/> only when <paramref name="type"/> is a
    /// nullable value type and the node is a YAML null.
    /// </returns>
    /// <exception cref="RecipeException">The subtree does not fit the type; lists every error found.</exception>
    public static object? Bind(Type type, RecipeNode node, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(keyPath);

        var session = new Session();
        session.TryBind(node, type, nullability: null, keyPath, out var value);
        if (session.Errors.Count > 0)
        {
            throw new RecipeException(session.Errors);
        }

        return value;
    }

    /// <summary>One binding pass; it keeps going after an error so that all of them are reported.</summary>
    private sealed class Session
    {
        public List<RecipeError> Errors { get; } = [];

        /// <summary>Binds one node; on failure the errors are recorded and the value is meaningless.</summary>
        public bool TryBind(RecipeNode node, Type type, NullabilityInfo? nullability, string keyPath, out object? value)
        {
            value = null;
            var underlying = Nullable.GetUnderlyingType(type);
            if (node is RecipeScalar { IsNull: true })
            {
                // Without nullability metadata (the root of a Bind call) a reference type is
                // taken as non-nullable, matching how such a type is normally declared.
                var acceptsNull = underlying is not null
                    || (!type.IsValueType && nullability?.ReadState == NullabilityState.Nullable);
                if (acceptsNull)
                {
                    return true;
                }
            }

            type = underlying ?? type;
            if (typeof(RecipeNode).IsAssignableFrom(type))
            {
                if (type.IsInstanceOfType(node))
                {
                    value = node;
                    return true;
                }

                return Fail(node, keyPath, DescribeNodeKind(type));
            }

            if (type == typeof(string))
            {
                if (node is RecipeScalar { IsNull: false } text)
                {
                    value = text.Value;
                    return true;
                }

                return Fail(node, keyPath, "a string");
            }

            if (type == typeof(int) || type == typeof(long))
            {
                return TryBindInteger(node, type, keyPath, out value);
            }

            if (type == typeof(float) || type == typeof(double))
            {
                return TryBindFloatingPoint(node, type, keyPath, out value);
            }

            if (type == typeof(bool))
            {
                if (node is RecipeScalar { IsQuoted: false } flag && ScalarParsing.ParseBoolean(flag.Value) is { } parsed)
                {
                    value = parsed;
                    return true;
                }

                return Fail(node, keyPath, "a boolean (true or false)");
            }

            if (type.IsEnum)
            {
                return TryBindEnum(node, type, keyPath, out value);
            }

            if (SequenceElementType(type, nullability) is var (elementType, elementNullability))
            {
                return TryBindSequence(node, type, elementType, elementNullability, keyPath, out value);
            }

            if (DictionaryValueType(type, nullability) is var (valueType, valueNullability))
            {
                return TryBindDictionary(node, valueType, valueNullability, keyPath, out value);
            }

            if (type.IsPrimitive || type == typeof(decimal) || type == typeof(object) || typeof(IEnumerable).IsAssignableFrom(type))
            {
                throw new NotSupportedException($"Recipes cannot be bound to members of type {type.FullName} (at '{keyPath}').");
            }

            return TryBindRecord(node, type, keyPath, out value);
        }

        private bool TryBindInteger(RecipeNode node, Type type, string keyPath, out object? value)
        {
            value = null;
            if (node is not RecipeScalar { IsQuoted: false } scalar || !ScalarParsing.LooksLikeInteger(scalar.Value))
            {
                return Fail(node, keyPath, "an integer");
            }

            // The syntax is already known to be an integer, so a failed parse can only mean overflow.
            if (!long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                || (type == typeof(int) && number is < int.MinValue or > int.MaxValue))
            {
                var bits = type == typeof(int) ? 32 : 64;
                return Report(node.Location, keyPath, $"integer '{scalar.Value}' does not fit in {bits} bits");
            }

            value = type == typeof(int) ? (object)(int)number : number;
            return true;
        }

        private bool TryBindFloatingPoint(RecipeNode node, Type type, string keyPath, out object? value)
        {
            value = null;
            if (node is not RecipeScalar { IsQuoted: false } scalar || !ScalarParsing.TryParseFloatingPoint(scalar.Value, out var number))
            {
                return Fail(node, keyPath, "a number");
            }

            // YAML spells infinity and NaN (.inf, .nan), but no option is meaningful at either: a NaN
            // passes every "must be positive" comparison and would only surface as a diverged run.
            if (!double.IsFinite(number))
            {
                return Report(node.Location, keyPath, $"must be a finite number, got '{scalar.Value}'");
            }

            if (type == typeof(double))
            {
                value = number;
                return true;
            }

            var single = (float)number;
            if (float.IsInfinity(single) && !double.IsInfinity(number))
            {
                return Report(node.Location, keyPath, $"number '{scalar.Value}' is too large for single precision");
            }

            value = single;
            return true;
        }

        private bool TryBindEnum(RecipeNode node, Type type, string keyPath, out object? value)
        {
            value = null;
            var names = Enum.GetNames(type);
            var allowed = string.Join(", ", names.Select(RecipeNaming.ToKebabCase));
            if (node is not RecipeScalar scalar)
            {
                return Report(node.Location, keyPath, $"expected one of: {allowed}; got {DescribeActual(node)}");
            }

            var match = scalar.IsNull ? null : names.FirstOrDefault(name => RecipeNaming.MatchesEnumMember(scalar.Value, name));
            if (match is null)
            {
                return Report(node.Location, keyPath, $"invalid value {DescribeActual(node)}; expected one of: {allowed}");
            }

            value = Enum.Parse(type, match);
            return true;
        }

        private bool TryBindSequence(RecipeNode node, Type type, Type elementType, NullabilityInfo? elementNullability, string keyPath, out object? value)
        {
            value = null;
            if (node is not RecipeSequence sequence)
            {
                return Fail(node, keyPath, "a sequence");
            }

            var items = Array.CreateInstance(elementType, sequence.Count);
            var ok = true;
            for (var i = 0; i < sequence.Count; i++)
            {
                if (TryBind(sequence[i], elementType, elementNullability, KeyPaths.Item(keyPath, i), out var item))
                {
                    items.SetValue(item, i);
                }
                else
                {
                    ok = false;
                }
            }

            // Interfaces get a read-only wrapper so that a caller cannot cast the list back
            // to an array and change options that are meant to be immutable.
            value = type.IsArray
                ? items
                : Activator.CreateInstance(typeof(ReadOnlyCollection<>).MakeGenericType(elementType), items);
            return ok;
        }

        private bool TryBindDictionary(RecipeNode node, Type valueType, NullabilityInfo? valueNullability, string keyPath, out object? value)
        {
            value = null;
            if (node is not RecipeMapping mapping)
            {
                return Fail(node, keyPath, "a mapping");
            }

            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            var ok = true;
            foreach (var entry in mapping.Entries)
            {
                if (TryBind(entry.Value, valueType, valueNullability, KeyPaths.Child(keyPath, entry.Key), out var item))
                {
                    dictionary.Add(entry.Key, item);
                }
                else
                {
                    ok = false;
                }
            }

            value = Activator.CreateInstance(typeof(ReadOnlyDictionary<,>).MakeGenericType(typeof(string), valueType), dictionary);
            return ok;
        }

        /// <summary>
        /// The place of a key written one level too high — <c>method:</c> at the top where it belongs under
        /// <c>pretrain:</c> — as <c>pretrain.method</c>: a member record of <paramref name="shape"/> that knows the key.
        /// </summary>
        private static string? OneLevelDown(RecordShape shape, string key)
        {
            foreach (var member in shape.Members)
            {
                var type = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
                if (!type.IsClass || type.IsAbstract || type == typeof(string) || type == typeof(object) || typeof(IEnumerable).IsAssignableFrom(type))
                    continue;
                RecordShape inner;
                try
                {
                    inner = RecordShape.For(type);
                }
                catch (NotSupportedException)
                {
                    continue; // not a record recipes bind to (its own binding reports that); only a hint was sought
                }
                if (inner.Find(key) is not null) return $"{member.Key}.{key}";
            }
            return null;
        }

        private bool TryBindRecord(RecipeNode node, Type type, string keyPath, out object? value)
        {
            value = null;
            var shape = RecordShape.For(type);
            if (node is not RecipeMapping mapping)
            {
                return Fail(node, keyPath, "a mapping");
            }

            var values = new Dictionary<RecordMember, object?>();
            var present = new HashSet<RecordMember>();
            var ok = true;
            foreach (var entry in mapping.Entries)
            {
                var childPath = KeyPaths.Child(keyPath, entry.Key);
                var member = shape.Find(entry.Key);
                if (member is null)
                {
                    var suggestion = EditDistance.Suggest(entry.Key, shape.Members.Select(candidate => candidate.Key))
                                     ?? OneLevelDown(shape, entry.Key);
                    var hint = suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?";
                    ok = Report(entry.KeyLocation, childPath, "unknown key" + hint);
                    continue;
                }

                present.Add(member);
                if (TryBind(entry.Value, member.Type, member.Nullability, childPath, out var memberValue))
                {
                    values[member] = memberValue;
                }
                else
                {
                    ok = false;
                }
            }

            foreach (var member in shape.Members.Where(member => member.IsRequired && !present.Contains(member)))
            {
                // The key is absent, so the closest position is the mapping that should hold it.
                ok = Report(mapping.Location, KeyPaths.Child(keyPath, member.Key), "missing required key");
            }

            if (!ok)
            {
                return false;
            }

            value = shape.Create(values);
            return value is not IValidatableOptions validatable || Validate(validatable, mapping, keyPath);
        }

        private bool Validate(IValidatableOptions options, RecipeMapping mapping, string keyPath)
        {
            var ok = true;
            foreach (var error in options.Validate())
            {
                var (location, path) = Locate(mapping, keyPath, error.Key);
                ok = Report(location, path, error.Message);
            }

            return ok;
        }

        // Validation keys may be written as recipe keys or as member names, and may reach into
        // nested options with dots; each segment is looked up as written first, then in snake_case.
        private static (SourceLocation Location, string KeyPath) Locate(RecipeMapping mapping, string keyPath, string key)
        {
            var location = mapping.Location;
            RecipeMapping? current = mapping;
            var path = keyPath;
            foreach (var segment in key.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = current?.GetEntry(segment) ?? current?.GetEntry(RecipeNaming.ToSnakeCase(segment));
                path = KeyPaths.Child(path, entry?.Key ?? RecipeNaming.ToSnakeCase(segment));
                if (entry is null)
                {
                    // An absent key is best shown at the mapping where it would go; deeper
                    // segments then cannot be located any better.
                    location = current?.Location ?? location;
                    current = null;
                    continue;
                }

                // A value typed as --set is what the user must change, not the file's key it replaced.
                location = entry.Value.Location.IsOverride ? entry.Value.Location : entry.KeyLocation;
                current = entry.Value as RecipeMapping;
            }

            return (location, path);
        }

        private static (Type ElementType, NullabilityInfo? Nullability)? SequenceElementType(Type type, NullabilityInfo? nullability)
        {
            if (type.IsArray)
            {
                return type.GetArrayRank() == 1 ? (type.GetElementType()!, nullability?.ElementType) : null;
            }

            if (type.IsGenericType)
            {
                var definition = type.GetGenericTypeDefinition();
                if (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>))
                {
                    return (type.GetGenericArguments()[0], nullability?.GenericTypeArguments.FirstOrDefault());
                }
            }

            return null;
        }

        private static (Type ValueType, NullabilityInfo? Nullability)? DictionaryValueType(Type type, NullabilityInfo? nullability)
        {
            if (type.IsGenericType
                && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
                && type.GetGenericArguments()[0] == typeof(string))
            {
                return (type.GetGenericArguments()[1], nullability?.GenericTypeArguments.ElementAtOrDefault(1));
            }

            return null;
        }

        private bool Fail(RecipeNode node, string keyPath, string expected) =>
            Report(node.Location, keyPath, $"expected {expected}, got {DescribeActual(node)}");

        /// <summary>Records an error; always returns <see langword="false"/> so callers can write <c>ok = Report(...)</c>.</summary>
        private bool Report(SourceLocation location, string keyPath, string message)
        {
            Errors.Add(new RecipeError(location, keyPath, message));
            return false;
        }

        private static string DescribeNodeKind(Type nodeType) =>
            nodeType == typeof(RecipeMapping) ? "a mapping"
            : nodeType == typeof(RecipeSequence) ? "a sequence"
            : "a scalar";

        private static string DescribeActual(RecipeNode node) => node switch
        {
            RecipeMapping => "a mapping",
            RecipeSequence => "a sequence",
            RecipeScalar { IsNull: true } => "null",
            RecipeScalar { IsQuoted: true } scalar => $"\"{scalar.Value}\"",
            RecipeScalar scalar => $"'{scalar.Value}'",
            _ => node.GetType().Name,
        };
    }
}
