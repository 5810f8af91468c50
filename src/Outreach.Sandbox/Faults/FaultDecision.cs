namespace Outreach.Sandbox.Faults;

/// <summary>The faults to apply to one call: added latency, then at most one failure.</summary>
internal readonly record struct FaultDecision(TimeSpan Latency, FaultKind Kind, int ServerErrorStatusCode, TimeSpan Hang);
