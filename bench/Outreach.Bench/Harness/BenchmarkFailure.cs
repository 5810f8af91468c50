namespace Outreach.Bench;

/// <summary>
/// A benchmark phase that could not finish (ingest refused or too slow, a queue that did not drain in time): the
/// benchmark reports it in its table with <see cref="Exception.Message"/> as the reason, and exits non-zero.
/// </summary>
public sealed class BenchmarkFailure : Exception
{
    /// <summary>Creates the failure with the reason shown in the table.</summary>
    public BenchmarkFailure(string message)
        : base(message)
    {
    }

    /// <summary>Creates the failure with the reason shown in the table and what caused it.</summary>
    public BenchmarkFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the failure with a generic reason.</summary>
    public BenchmarkFailure()
        : base("The benchmark phase failed.")
    {
    }
}
