using OrleansReco.Grains.Interfaces.Logging;
using Xunit;

namespace OrleansReco.UnitTests;

/// <summary>The text rule the log redaction applies, on the shapes in which Orleans and storage errors quote a shopper.</summary>
public sealed class GrainKeyRedactionTests
{
    private const string Pseudonym = "ea95d8d5d68a2ecb279c4671fb804ef140dadb1ef99c9614d9cf7e4e4970932e";

    [Theory]
    [InlineData("for grain user/" + Pseudonym, "for grain user/<redacted>")]
    // An activation address: silo, grain id, '@' and the activation id.
    [InlineData("[S127.0.0.1:11111:98/user/" + Pseudonym + "@a1b2c3d4]", "[S127.0.0.1:11111:98/user/<redacted>@a1b2c3d4]")]
    // A key that is not a pseudonym (as tests use) is redacted as a user grain's key all the same.
    [InlineData("to user/3f2a-user-gus, then", "to user/<redacted>, then")]
    // A table key outside a grain id, as a storage error can quote it.
    [InlineData("PartitionKey='orleansreco|user|" + Pseudonym + "'", "PartitionKey='orleansreco|user|<redacted>'")]
    public void A_shoppers_pseudonym_is_replaced(string text, string redacted) =>
        Assert.Equal(redacted, GrainKeyRedaction.Redact(text));

    [Theory]
    [InlineData("for grain item/lamp-01 in /v1/users/alice")]
    [InlineData("for grain user/<redacted>")]
    // Shorter hex runs are activation ids, hashes of item ids and the like, not pseudonyms.
    [InlineData("activation @a1b2c3d4e5f60718293a4b5c6d7e8f90")]
    public void Other_text_is_left_as_it_is(string text) =>
        Assert.Same(text, GrainKeyRedaction.Redact(text));
}
