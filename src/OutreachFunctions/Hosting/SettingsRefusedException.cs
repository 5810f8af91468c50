namespace OutreachFunctions.Hosting;

/// <summary>The app refuses to start: the settings to fix, every one of them, in app-setting spelling.</summary>
public sealed class SettingsRefusedException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public SettingsRefusedException(IReadOnlyList<SettingsProblem> problems)
        : base("Settings to fix: " + string.Join("; ", (problems ?? throw new ArgumentNullException(nameof(problems))).Select(p => p.Problem)))
    {
        Problems = problems;
    }

    /// <summary>Creates a refusal from a message alone (for serializers and analyzers).</summary>
    public SettingsRefusedException()
        : this([])
    {
    }

    /// <summary>Creates a refusal from a message alone.</summary>
    public SettingsRefusedException(string message)
        : this([SettingsProblems.FromMessage(message)])
    {
    }

    /// <summary>Creates a refusal from a message and its cause.</summary>
    public SettingsRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [SettingsProblems.FromMessage(message)];
    }

    /// <summary>The settings to fix.</summary>
    public IReadOnlyList<SettingsProblem> Problems { get; }
}
