namespace OutreachFunctions.Hosting;

/// <summary>How the app runs: under the Azure Functions host, or as the whole pipeline on one machine.</summary>
public enum ConnectorMode
{
    /// <summary>
    /// The whole pipeline in one process: its own Kestrel endpoint for ingest, an Azure Storage queue, and a hosted
    /// service that drains it. The embedded default, on Azurite and the Outreach sandbox.
    /// </summary>
    Standalone,

    /// <summary>An Azure Functions custom handler: the host owns triggers and bindings and calls this app over HTTP.</summary>
    Functions,
}
