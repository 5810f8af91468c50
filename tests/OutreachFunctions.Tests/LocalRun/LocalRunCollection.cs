namespace OutreachFunctions.Tests.LocalRun;

/// <summary>Local-run tests start whole process trees (Azurite, sandbox, connector): one at a time on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalRunCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Local run";
}
