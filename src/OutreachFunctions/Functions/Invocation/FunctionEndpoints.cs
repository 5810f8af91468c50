namespace OutreachFunctions.Functions.Invocation;

/// <summary>Maps a function's handler path, <c>POST /{Name}</c>, carrying its <see cref="FunctionDefinition"/> as endpoint metadata.</summary>
public static class FunctionEndpoints
{
    /// <summary>
    /// Maps <paramref name="handler"/> (a minimal-API delegate that takes its services as parameters and calls
    /// <see cref="FunctionRunner"/>) at <c>POST /{Name}</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapFunction(this IEndpointRouteBuilder endpoints, FunctionDefinition function, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(function);
        return endpoints.MapPost("/" + function.Name, handler).WithMetadata(function);
    }
}
