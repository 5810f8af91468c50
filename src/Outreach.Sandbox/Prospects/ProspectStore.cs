using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>The in-memory prospects: ids 1..N with seeded values, changed by PATCH; one lock per prospect.</summary>
/// <remarks>
/// A seeded prospect is only materialized when first touched, so a benchmark can seed millions of ids without
/// paying for them up front; its seeded values are a pure function of its id.
/// </remarks>
internal sealed class ProspectStore
{
    private static readonly string[] FirstNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];

    private readonly ProspectOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Prospect> _prospects = new();

    // Prospects whose emails were written: the only ones an email can find besides the seeded pattern.
    private readonly ConcurrentDictionary<long, byte> _emailsWritten = new();
    private long _seededAtTicks;
    private long _patched;

    // Creation (POST /prospects): created prospects take the ids after the seeded range, in order, so 1..LastId all
    // exist. The email-uniqueness check and the write it guards happen under one lock, as a unique index would make them.
    private readonly Lock _emailUniqueness = new();
    private long _lastId;

    public ProspectStore(IOptions<SandboxOptions> options, TimeProvider time)
    {
        _options = options.Value.Prospects;
        _time = time;
        _seededAtTicks = time.GetUtcNow().UtcTicks;
        _lastId = _options.SeedCount;
    }

    /// <summary>Successful PATCHes since start or the last reset.</summary>
    public long Patched => Interlocked.Read(ref _patched);

    /// <summary>Every prospect id that exists (1..Count: the seeded range, then the created ones); what an unfiltered bulk action hits.</summary>
    public int Count => (int)Interlocked.Read(ref _lastId);

    public ProspectSnapshot? Get(long id) => Find(id)?.Snapshot();

    /// <summary>
    /// The ids of the prospects that hold one of the filter's emails, ascending. Candidates are the prospects whose
    /// emails were written plus those whose seeded email the value names; each is then checked against its current emails.
    /// </summary>
    public IEnumerable<long> FindByEmails(EmailFilter filter)
    {
        var candidates = new SortedSet<long>(_emailsWritten.Keys);
        foreach (var value in filter.Values)
        {
            if (SeededIdOf(value) is { } id)
            {
                candidates.Add(id);
                if (_options.DuplicateEmailEvery > 0 && (id + 1) % _options.DuplicateEmailEvery == 0)
                {
                    candidates.Add(id + 1);
                }
            }
        }

        return candidates.Where(id => Get(id) is { } prospect && filter.Matches(EmailsOf(prospect)));
    }

    /// <summary>Sets the given attributes (only those) and returns the updated prospect; null when it does not exist.</summary>
    /// <param name="id">The prospect.</param>
    /// <param name="changes">The attributes to set.</param>
    /// <param name="countAsPatch">False for batch items, which are counted by their batch rather than as PATCHes.</param>
    public ProspectSnapshot? Apply(long id, IReadOnlyList<KeyValuePair<string, JsonElement>> changes, bool countAsPatch = true)
    {
        if (Find(id) is not { } prospect)
        {
            return null;
        }

        if (changes.Any(change => change.Key == "emails"))
        {
            _emailsWritten.TryAdd(id, 0);
        }

        var snapshot = prospect.Apply(changes, _time.GetUtcNow());
        if (countAsPatch)
        {
            Interlocked.Increment(ref _patched);
        }

        return snapshot;
    }

    /// <summary>
    /// Creates a prospect with the next id unless another prospect holds one of its emails (ignoring case, Outreach's
    /// "email hash") and duplicates are not allowed. <paramref name="otherHolders"/> are the prospects that already held
    /// one of its emails: the reason for a refusal, or the duplicates made when duplicates are allowed.
    /// </summary>
    /// <returns>The created prospect; null when refused for a taken email.</returns>
    public ProspectSnapshot? Create(IReadOnlyList<KeyValuePair<string, JsonElement>> attributes, bool allowDuplicateEmails, out IReadOnlyList<long> otherHolders)
    {
        lock (_emailUniqueness)
        {
            otherHolders = HoldersOf(attributes, exceptId: null);
            if (otherHolders.Count > 0 && !allowDuplicateEmails)
            {
                return null;
            }

            var id = Interlocked.Increment(ref _lastId);
            var prospect = new Prospect(id, new Dictionary<string, JsonElement>(StringComparer.Ordinal), _time.GetUtcNow());
            _prospects[id] = prospect;
            _emailsWritten.TryAdd(id, 0);
            return prospect.Apply(attributes, _time.GetUtcNow());
        }
    }

    /// <summary>
    /// A PATCH that keeps emails unique: like <see cref="Apply"/>, but refused (null, <paramref name="emailTaken"/> true)
    /// when it writes an email another prospect holds and duplicates are not allowed.
    /// </summary>
    public ProspectSnapshot? ApplyKeepingEmailsUnique(long id, IReadOnlyList<KeyValuePair<string, JsonElement>> changes, bool allowDuplicateEmails, out bool emailTaken)
    {
        emailTaken = false;
        if (allowDuplicateEmails || !changes.Any(change => change.Key == "emails"))
        {
            return Apply(id, changes);
        }

        lock (_emailUniqueness)
        {
            if (HoldersOf(changes, exceptId: id).Count > 0)
            {
                emailTaken = true;
                return null;
            }

            return Apply(id, changes);
        }
    }

    /// <summary>Goes back to the seeded prospects (the created ones are gone).</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _seededAtTicks, _time.GetUtcNow().UtcTicks);
        _prospects.Clear();
        _emailsWritten.Clear();
        Interlocked.Exchange(ref _patched, 0);
        Interlocked.Exchange(ref _lastId, _options.SeedCount);
    }

    /// <summary>The emails an attribute list writes (its <c>emails</c> array), as given.</summary>
    public static IReadOnlyList<string> EmailsIn(IReadOnlyList<KeyValuePair<string, JsonElement>> attributes) =>
        attributes.Where(pair => pair.Key == "emails" && pair.Value.ValueKind == JsonValueKind.Array)
            .SelectMany(pair => pair.Value.EnumerateArray())
            .Where(email => email.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(email.GetString()))
            .Select(email => email.GetString()!)
            .ToList();

    // Outreach compares an email "hash", so case does not make two emails different, whatever the filter's setting.
    private List<long> HoldersOf(IReadOnlyList<KeyValuePair<string, JsonElement>> attributes, long? exceptId)
    {
        var emails = EmailsIn(attributes);
        return emails.Count == 0
            ? []
            : [.. FindByEmails(new EmailFilter(emails, StringComparer.OrdinalIgnoreCase)).Where(holder => holder != exceptId)];
    }

    private Prospect? Find(long id) =>
        id >= 1 && id <= _options.SeedCount ? _prospects.GetOrAdd(id, Seed)
        : id > _options.SeedCount && _prospects.TryGetValue(id, out var created) ? created
        : null;

    private static IEnumerable<string> EmailsOf(ProspectSnapshot prospect) =>
        prospect.Attributes.TryGetValue("emails", out var emails) && emails.ValueKind == JsonValueKind.Array
            ? emails.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)
            : [];

    private static string SeededEmail(long id) => string.Create(CultureInfo.InvariantCulture, $"prospect{id}@example.test");

    /// <summary>The id whose seeded email is <paramref name="email"/> (in any case), or null.</summary>
    private static long? SeededIdOf(string email)
    {
        const string Prefix = "prospect", Suffix = "@example.test";
        return email.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && email.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)
            && long.TryParse(email.AsSpan(Prefix.Length, email.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : null;
    }

    private Prospect Seed(long id)
    {
        // Every N-th prospect shares the previous one's email when duplicates are seeded.
        var emailOwner = _options.DuplicateEmailEvery > 0 && id % _options.DuplicateEmailEvery == 0 ? id - 1 : id;
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["firstName"] = Element(FirstNames[(id - 1) % FirstNames.Length]),
            ["lastName"] = Element(string.Create(CultureInfo.InvariantCulture, $"Sandbox{id}")),
            ["emails"] = JsonSerializer.SerializeToElement<IReadOnlyList<string>>(
                [SeededEmail(emailOwner)], SandboxJsonContext.Default.IReadOnlyListString),
        };
        return new Prospect(id, attributes, new DateTimeOffset(Interlocked.Read(ref _seededAtTicks), TimeSpan.Zero));
    }

    private static JsonElement Element(string value) => JsonSerializer.SerializeToElement(value, SandboxJsonContext.Default.String);

    private sealed class Prospect(long id, Dictionary<string, JsonElement> attributes, DateTimeOffset createdAt)
    {
        private readonly Lock _gate = new();
        private DateTimeOffset? _updatedAt;

        public ProspectSnapshot Snapshot()
        {
            lock (_gate)
            {
                return new ProspectSnapshot(id, new Dictionary<string, JsonElement>(attributes, StringComparer.Ordinal), createdAt, _updatedAt ?? createdAt);
            }
        }

        public ProspectSnapshot Apply(IReadOnlyList<KeyValuePair<string, JsonElement>> changes, DateTimeOffset now)
        {
            lock (_gate)
            {
                foreach (var (name, value) in changes)
                {
                    // Clone: the request's JsonDocument is disposed after the call.
                    attributes[name] = value.Clone();
                }

                _updatedAt = now;
                return new ProspectSnapshot(id, new Dictionary<string, JsonElement>(attributes, StringComparer.Ordinal), createdAt, _updatedAt ?? createdAt);
            }
        }
    }
}
