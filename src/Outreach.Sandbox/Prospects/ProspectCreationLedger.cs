using Microsoft.Extensions.Options;
using Outreach.Sandbox.Configuration;

namespace Outreach.Sandbox.Prospects;

/// <summary>
/// What the sandbox saw of <c>POST /prospects</c>: prospects created per email, duplicates made, refusals, dropped
/// answers; and the seeded draw that decides which answers are dropped.
/// </summary>
/// <remarks>
/// A client that retries a create whose answer it lost makes a second prospect on a real org that allows duplicates
/// (Outreach has no idempotency key); <see cref="ProspectCreationCounters.DuplicatesCreated"/> is what tests assert 0.
/// </remarks>
internal sealed class ProspectCreationLedger
{
    private readonly Lock _gate = new();
    private readonly ProspectCreationOptions _options;
    private readonly Dictionary<string, List<long>> _createdByEmail = new(StringComparer.OrdinalIgnoreCase);
    private ProspectCreationCounters _counters = new();
    private Random _dropDraw;

    public ProspectCreationLedger(IOptions<SandboxOptions> options)
    {
        _options = options.Value.ProspectCreation;
        _dropDraw = NewDraw();
    }

    /// <summary>Records a created prospect; <paramref name="otherHolders"/> non-empty means it duplicates their email.</summary>
    public void Created(long prospectId, IReadOnlyList<string> emails, IReadOnlyList<long> otherHolders)
    {
        lock (_gate)
        {
            foreach (var email in emails.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!_createdByEmail.TryGetValue(email, out var ids))
                {
                    _createdByEmail[email] = ids = [];
                }

                ids.Add(prospectId);
            }

            _counters = _counters with
            {
                Created = _counters.Created + 1,
                DuplicatesCreated = _counters.DuplicatesCreated + (otherHolders.Count > 0 ? 1 : 0),
            };
        }
    }

    public void RefusedEmailTaken()
    {
        lock (_gate)
        {
            _counters = _counters with { RefusedEmailTaken = _counters.RefusedEmailTaken + 1 };
        }
    }

    public void RefusedExcludedDomain()
    {
        lock (_gate)
        {
            _counters = _counters with { RefusedExcludedDomain = _counters.RefusedExcludedDomain + 1 };
        }
    }

    /// <summary>Draws whether the answer of a create just applied is dropped, and counts it when it is.</summary>
    public bool DropsAnswer()
    {
        lock (_gate)
        {
            // Always draw, so that a rate of 0 then 0.2 in one run does not shift which creates are picked.
            var dropped = _dropDraw.NextDouble() < _options.DroppedAnswerRate;
            if (dropped)
            {
                _counters = _counters with { AnswersDropped = _counters.AnswersDropped + 1 };
            }

            return dropped;
        }
    }

    public ProspectCreationCounters Counters()
    {
        lock (_gate)
        {
            return _counters;
        }
    }

    /// <summary>The prospects created per email (one entry per email, case ignored), optionally for one email only.</summary>
    public IReadOnlyList<EmailCreations> ByEmail(string? email)
    {
        lock (_gate)
        {
            return [.. _createdByEmail
                .Where(pair => email is null || string.Equals(pair.Key, email, StringComparison.OrdinalIgnoreCase))
                .OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase)
                .Select(pair => new EmailCreations(pair.Key, pair.Value.Count, [.. pair.Value]))];
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _createdByEmail.Clear();
            _counters = new ProspectCreationCounters();
            _dropDraw = NewDraw();
        }
    }

    private Random NewDraw() => _options.DroppedAnswerSeed is { } seed ? new Random(seed) : new Random();
}

/// <summary>What <c>POST /prospects</c> did since start or the last reset (part of <c>GET /admin/counters</c>).</summary>
public sealed record ProspectCreationCounters
{
    /// <summary>Prospects created (201s, and creates whose answer was dropped after they were applied).</summary>
    public long Created { get; init; }

    /// <summary>Prospects created with an email another prospect already held (only possible with duplicates allowed): tests assert 0.</summary>
    public long DuplicatesCreated { get; init; }

    /// <summary>Creates refused with "Contacts email hash has already been taken.".</summary>
    public long RefusedEmailTaken { get; init; }

    /// <summary>Creates refused with "Contacts contact is using an excluded email address.".</summary>
    public long RefusedExcludedDomain { get; init; }

    /// <summary>Creates applied whose answer the sandbox dropped on purpose (the fault).</summary>
    public long AnswersDropped { get; init; }
}

/// <summary>The prospects created with one email, as listed by <c>GET /admin/prospectCreations</c>.</summary>
/// <param name="Email">The email as first created (compared ignoring case).</param>
/// <param name="Created">How many prospects were created with it: more than one is a duplicate.</param>
/// <param name="ProspectIds">Their ids, in creation order.</param>
public sealed record EmailCreations(string Email, int Created, IReadOnlyList<long> ProspectIds);
