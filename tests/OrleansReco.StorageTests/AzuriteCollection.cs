using OrleansReco.Testing;

namespace OrleansReco.StorageTests;

/// <summary>One Azurite process shared by every storage test; tests keep apart by unique grain ids or tables.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
