namespace Outreach.Connector.Outreach;

/// <summary>The closed set of results of sending one <c>prospectsBulkModify</c>.</summary>
public abstract record BulkModifyOutcome
{
    /// <summary>Outreach accepted the action and created a batch; poll it until <see cref="BatchStatus.IsFinished"/>.</summary>
    public sealed record Started(BatchStatus Batch, RateLimitSnapshot RateLimit) : BulkModifyOutcome;

    /// <summary>Refused before sending (the safety check, or changes the configured body shape cannot carry): nothing was sent.</summary>
    public sealed record NotSent(string Reason) : BulkModifyOutcome;

    /// <summary>The call failed; a <see cref="OutreachCallOutcome.Permanent"/> here means Outreach refuses the bulk endpoint.</summary>
    public sealed record Failed(OutreachCallOutcome Failure) : BulkModifyOutcome;
}

/// <summary>The closed set of results of <c>GET /batches/{id}</c>.</summary>
public abstract record BatchStatusOutcome
{
    /// <summary>The batch as Outreach reports it now.</summary>
    public sealed record Read(BatchStatus Batch, RateLimitSnapshot RateLimit) : BatchStatusOutcome;

    /// <summary>The call failed.</summary>
    public sealed record Failed(OutreachCallOutcome Failure) : BatchStatusOutcome;
}

/// <summary>The closed set of results of reading a batch's failed items.</summary>
public abstract record BatchFailuresOutcome
{
    /// <summary>Every failed item, with the prospect each names.</summary>
    public sealed record Read(IReadOnlyList<BatchItemFailure> Failures, int Requests, RateLimitSnapshot RateLimit) : BatchFailuresOutcome;

    /// <summary>A call failed.</summary>
    public sealed record Failed(OutreachCallOutcome Failure) : BatchFailuresOutcome;
}
