namespace Outreach.Connector.Mapping;

/// <summary>The destination mapping cannot be used; <see cref="Exception.Message"/> lists every problem.</summary>
public sealed class InvalidMappingException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public InvalidMappingException(IReadOnlyList<string> problems)
        : base("The destination mapping has problems:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "- " + p))) =>
        Problems = problems;

    /// <summary>Creates the exception with a message.</summary>
    public InvalidMappingException(string message)
        : base(message) => Problems = [message];

    /// <summary>Creates the exception with a message and its cause.</summary>
    public InvalidMappingException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    /// <summary>Creates the exception with no detail.</summary>
    public InvalidMappingException()
        : this("The destination mapping is invalid.")
    {
    }

    /// <summary>Every problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
