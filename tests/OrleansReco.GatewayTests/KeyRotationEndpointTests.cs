using System.Net;
using System.Net.Http.Json;
using OrleansReco.Gateway.Contracts;
using Xunit;

namespace OrleansReco.GatewayTests;

/// <summary>
/// POST /v1/admin/keys/rewrap against the real rotation grain. Its auth tests (other roles refused) are in
/// <see cref="PrivacyAuthTests"/>.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class KeyRotationEndpointTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Rewrap_with_the_admin_key_answers_the_rotation_report()
    {
        // One user whose data key exists, so the pass has something to look at.
        var user = Http.Unique("user");
        var privacy = fixture.Gateway.CreateClient(GatewayHost.PrivacyKey);
        Assert.Equal(HttpStatusCode.NoContent,
            (await privacy.PutAsJsonAsync($"/v1/users/{user}/profile", new { attributes = new { name = "x" } })).StatusCode);

        var response = await fixture.Gateway.CreateClient(GatewayHost.AdminKey).PostAsync("/v1/admin/keys/rewrap", null);
        var report = await response.AssertOk<KeyRotationReportResponse>();

        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.False(string.IsNullOrEmpty(report.CurrentKeyId));
        // The test silos have one master key, so every key is already under it and nothing remains.
        Assert.True(report.AlreadyCurrent >= 1, $"alreadyCurrent = {report.AlreadyCurrent}");
        Assert.Equal(0, report.Remaining);
        Assert.Equal(0, report.Rewrapped);

        var again = await (await fixture.Gateway.CreateClient(GatewayHost.AdminKey).PostAsync("/v1/admin/keys/rewrap", null))
            .AssertOk<KeyRotationReportResponse>();
        Assert.Equal(0, again.Remaining);
    }
}
