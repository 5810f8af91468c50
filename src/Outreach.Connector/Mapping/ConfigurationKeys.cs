using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Outreach.Connector.Mapping;

/// <summary>A configuration key nothing binds: its path as found (<c>Delivery:BatchSise</c>) and the nearest known key, if one is close.</summary>
/// <param name="Path">The full configuration path, spelled as the user typed it.</param>
/// <param name="Nearest">The nearest known key at the same place, full path, spelled as the options class spells it; null when none is close.</param>
public sealed record UnknownKey(string Path, string? Nearest);

/// <summary>
/// The keys an options class binds, derived from its public properties as the configuration binder sees them (settable
/// properties, and get-only collections and objects it fills in place; nested objects and list elements recursively), so
/// a setting added to an options class is known without a list to update. <see cref="Find"/> walks a configuration
/// section and returns the keys nothing binds, each with the nearest known key.
/// </summary>
public sealed class ConfigurationKeys
{
    private const int MaxDepth = 8;
    private readonly Dictionary<string, ConfigurationKeys> _children = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _spelling = new(StringComparer.OrdinalIgnoreCase);
    private ConfigurationKeys? _element;
    private bool _anyKey;

    private ConfigurationKeys()
    {
    }

    /// <summary>The keys the binder binds on these types (merged: several options classes may share one section).</summary>
    public static ConfigurationKeys Of(params Type[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var keys = new ConfigurationKeys();
        foreach (var type in types)
        {
            keys.AddProperties(type, 0);
        }

        return keys;
    }

    /// <summary>Adds a key read directly rather than bound (e.g. <c>Mapping:File</c>), or a nested section bound from other types.</summary>
    public ConfigurationKeys With(string name, params Type[] types)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(types);
        var child = Child(name);
        foreach (var type in types)
        {
            child.AddProperties(type, 1);
        }

        return this;
    }

    /// <summary>The names known at the top of this section, as the options classes spell them.</summary>
    public IEnumerable<string> Names => _spelling.Values;

    /// <summary>Every key under <paramref name="section"/> that nothing binds, in configuration order.</summary>
    public IReadOnlyList<UnknownKey> Find(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var prefix = section is IConfigurationSection named ? named.Path : "";
        var found = new List<UnknownKey>();
        Walk(section, prefix, this, found);
        return found;
    }

    /// <summary>The known name closest to <paramref name="name"/> (case-insensitive edit distance of at most a third of its length, at least 2), or null.</summary>
    public static string? Nearest(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        var limit = Math.Max(2, name.Length / 3);
        return known
            .Select(candidate => (Candidate: candidate, Distance: Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant())))
            .Where(pair => pair.Distance <= limit)
            .OrderBy(pair => pair.Distance)
            .ThenBy(pair => pair.Candidate, StringComparer.Ordinal)
            .Select(pair => pair.Candidate)
            .FirstOrDefault();
    }

    private static void Walk(IConfiguration section, string prefix, ConfigurationKeys keys, List<UnknownKey> found)
    {
        if (keys._anyKey)
        {
            return;
        }

        foreach (var child in section.GetChildren())
        {
            var path = prefix.Length == 0 ? child.Key : prefix + ":" + child.Key;
            if (keys._element is { } element)
            {
                // A list: every key is an index, and each element is checked against the element type.
                Walk(child, path, element, found);
                continue;
            }

            if (keys._children.TryGetValue(child.Key, out var known))
            {
                Walk(child, path, known, found);
                continue;
            }

            var nearest = Nearest(child.Key, keys._spelling.Values);
            found.Add(new UnknownKey(path, nearest is null ? null : (prefix.Length == 0 ? nearest : prefix + ":" + nearest)));
        }
    }

    private ConfigurationKeys Child(string name)
    {
        if (!_children.TryGetValue(name, out var child))
        {
            child = new ConfigurationKeys();
            _children[name] = child;
            _spelling[name] = name;
        }

        return child;
    }

    private void AddProperties(Type type, int depth)
    {
        if (depth > MaxDepth)
        {
            _anyKey = true;
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            var settable = property.SetMethod is { IsPublic: true };
            var propertyType = property.PropertyType;
            if (IsSimple(propertyType))
            {
                if (settable)
                {
                    Child(property.Name);
                }

                continue;
            }

            // Get-only collections and objects are filled in place by the binder.
            Child(property.Name).AddShape(propertyType, depth + 1);
        }
    }

    private void AddShape(Type type, int depth)
    {
        if (IsDictionary(type))
        {
            _anyKey = true;
            return;
        }

        if (ElementType(type) is { } element)
        {
            _element ??= new ConfigurationKeys();
            if (IsSimple(element))
            {
                return;
            }

            _element.AddShape(element, depth + 1);
            return;
        }

        AddProperties(type, depth);
    }

    private static bool IsSimple(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset) || underlying == typeof(TimeSpan)
            || underlying == typeof(Guid) || underlying == typeof(Uri) || underlying == typeof(object);
    }

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type)
        || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
            && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)));

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.GetInterfaces().Append(type)
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .Select(i => i.GetGenericArguments()[0])
            .FirstOrDefault();
    }

    // Levenshtein distance.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
