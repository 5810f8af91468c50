using Microsoft.Extensions.Options;

namespace OutreachFunctions.Hosting;

/// <summary>
/// Start-up settings validation taken over from the host, so that every problem is found at once (the host's own
/// validation stops at the first options group that fails) and each runtime decides what a bad setting does.
/// The Functions handler keeps listening and answers every function with the list of settings to fix
/// (<c>MisconfiguredAnswers</c>), because a handler that exits during start-up is restarted a few times and then the
/// Functions host shuts down, taking every function, health and the OAuth pages with it
/// (docs/reference/functions-host.md §12). The standalone runtime refuses to start with the same list.
/// </summary>
public sealed class SettingsCheck
{
    private readonly List<ServiceDescriptor> _validators;
    private readonly List<SettingsProblem> _registrationProblems;
    private readonly ConnectorMode _runtime;

    private SettingsCheck(List<ServiceDescriptor> validators, List<SettingsProblem> registrationProblems, ConnectorMode runtime)
    {
        _validators = validators;
        _registrationProblems = registrationProblems;
        _runtime = runtime;
    }

    /// <summary>The settings to fix; empty when the settings are valid.</summary>
    public IReadOnlyList<SettingsProblem> Problems { get; private set; } = [];

    /// <summary>True when at least one setting must be fixed.</summary>
    public bool IsMisconfigured => Problems.Count > 0;

    /// <summary>
    /// Takes the options start-up validators (<c>ValidateOnStart</c>) out of <paramref name="services"/>, so that the
    /// host's start no longer throws on a bad setting, and registers the check in their place.
    /// </summary>
    /// <param name="services">The app's services, fully registered.</param>
    /// <param name="registrationProblems">Settings found invalid while registering (before any options exist).</param>
    /// <param name="runtime">The runtime checked: a problem in a setting only the other runtime reads is left out (<see cref="RuntimeSettings"/>).</param>
    public static SettingsCheck TakeOver(IServiceCollection services, IEnumerable<SettingsProblem> registrationProblems, ConnectorMode runtime)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registrationProblems);
        var validators = services.Where(descriptor => descriptor.ServiceType == typeof(IStartupValidator)).ToList();
        foreach (var validator in validators)
        {
            services.Remove(validator);
        }

        var check = new SettingsCheck(validators, [.. registrationProblems], runtime);
        services.AddSingleton(check);
        return check;
    }

    /// <summary>Runs the validations once the app is built; reads settings and files only, never the network.</summary>
    public void Run(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var problems = new List<SettingsProblem>(_registrationProblems);
        foreach (var descriptor in _validators)
        {
            try
            {
                Create(services, descriptor).Validate();
            }
            catch (Exception ex) when (SettingsProblems.FromException(ex) is { Count: > 0 } found)
            {
                problems.AddRange(found);
            }
        }

        // E.g. Delivery__BatchSize=0 under the Functions host, where host.json's batch size applies: not this runtime's.
        Problems = [.. problems.Where(problem => RuntimeSettings.AppliesTo(problem.Setting, _runtime))];
    }

    private static IStartupValidator Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor switch
        {
            { ImplementationInstance: IStartupValidator instance } => instance,
            { ImplementationFactory: { } factory } => (IStartupValidator)factory(services),
            { ImplementationType: { } type } => (IStartupValidator)ActivatorUtilities.CreateInstance(services, type),
            _ => throw new InvalidOperationException("An IStartupValidator registration the settings check cannot create."),
        };
}
