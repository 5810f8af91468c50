namespace OutreachFunctions.Functions.Invocation;

/// <summary>Why an invocation failed, for the answer that reports it; never carries personal data or secrets.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Reason">One line for the logs (and, for a non-HTTP trigger, the host's error).</param>
/// <param name="InvocationId">The host's invocation id, which the handler's own log lines carry.</param>
public sealed record FunctionFailure(FunctionFailureKind Kind, string Reason, string InvocationId);

/// <summary>What made an invocation fail.</summary>
public enum FunctionFailureKind
{
    /// <summary>The host's envelope could not be read.</summary>
    UnreadableEnvelope,

    /// <summary>The function threw: a bug or a dependency that failed in a way nothing handles.</summary>
    Unexpected,

    /// <summary>
    /// A dependency (storage, Key Vault, the identity endpoint, Outreach, Service Bus) was unreachable, answered with an
    /// error, or did not answer within the function's budget: an HTTP caller gets 503 and retries; nothing is a bug.
    /// </summary>
    DependencyUnavailable,

    /// <summary>The function reported the failure itself (<see cref="FunctionOutcome.Failed"/>).</summary>
    Reported,
}
