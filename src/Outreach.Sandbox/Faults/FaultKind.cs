namespace Outreach.Sandbox.Faults;

/// <summary>What the fault injector decided for one call.</summary>
internal enum FaultKind
{
    /// <summary>Handle the call normally.</summary>
    None,

    /// <summary>Hang (respecting the client's abort), then answer 504.</summary>
    Timeout,

    /// <summary>Answer with the configured 5xx status.</summary>
    ServerError,
}
