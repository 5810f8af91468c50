using Outreach.Connector.Delivery;
using Outreach.Connector.Tokens;

namespace OutreachFunctions.Connection;

/// <summary>Finishes an OAuth callback and, when connected, lets delivery resume at once instead of at its next probe.</summary>
public sealed class ConnectionResumption(OutreachAuthorizationFlow flow, ConnectionPause pause)
{
    /// <summary>Completes the authorization from the callback's query values.</summary>
    public async Task<AuthorizationCompletion> CompleteAsync(string? code, string? state, string? error, CancellationToken cancellationToken)
    {
        var completion = await flow.CompleteAsync(code, state, error, cancellationToken);
        if (completion is AuthorizationCompletion.Connected)
        {
            pause.Resume();
        }

        return completion;
    }
}
