using Outreach.Testing;

namespace OutreachFunctions.Tests.Infrastructure;

/// <summary>Tests in this collection share one Azurite process.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Azurite";
}
