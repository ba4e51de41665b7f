using System.Text;
using Observability.Core.Alerting.Notifications;

namespace Observability.Core.Tests.Alerting.Notifications;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec-test-0123456789";
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"status":"firing"}""");

    [Fact]
    public void The_signature_is_the_hmac_openssl_computes()
    {
        // printf '%s' '1700000000.{"status":"firing"}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789'
        Assert.Equal("t=1700000000,v1=018b8cb3dd5e7882050b4419240e62d7f69ab9c77b49dd00e3cdfdb7fbbec590", WebhookSignature.Sign(Secret, Body, At));
    }

    [Fact]
    public void A_signature_verifies_within_the_tolerance_and_not_outside_it()
    {
        var header = WebhookSignature.Sign(Secret, Body, At);

        Assert.True(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(4), WebhookSignature.DefaultTolerance));
        Assert.True(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(-4), WebhookSignature.DefaultTolerance));
        Assert.False(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(6), WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData("other-secret", """{"status":"firing"}""")]
    [InlineData(Secret, """{"status":"resolved"}""")]
    [InlineData(Secret, """{"status":"firing"} """)]
    public void Another_secret_or_a_changed_body_does_not_verify(string secret, string body)
    {
        var header = WebhookSignature.Sign(Secret, Body, At);

        Assert.False(WebhookSignature.Verify(secret, header, Encoding.UTF8.GetBytes(body), At, WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=018b8cb3dd5e7882050b4419240e62d7f69ab9c77b49dd00e3cdfdb7fbbec590")]
    [InlineData("t=1700000000")]
    [InlineData("t=1700000000,v1=zz8b8cb3dd5e7882050b4419240e62d7f69ab9c77b49dd00e3cdfdb7fbbec590")]
    [InlineData("t=-1700000000,v1=018b8cb3dd5e7882050b4419240e62d7f69ab9c77b49dd00e3cdfdb7fbbec590")]
    [InlineData("t=99999999999999999999,v1=018b8cb3dd5e7882050b4419240e62d7f69ab9c77b49dd00e3cdfdb7fbbec590")]
    [InlineData("garbage")]
    public void A_malformed_header_does_not_verify_and_does_not_throw(string? header)
    {
        Assert.False(WebhookSignature.Verify(Secret, header, Body, At, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void During_a_secret_rotation_either_of_two_signatures_verifies()
    {
        var old = WebhookSignature.Sign("old-secret", Body, At);
        var current = WebhookSignature.Sign(Secret, Body, At);
        var both = $"{current},{old["t=1700000000,".Length..]}";

        Assert.True(WebhookSignature.Verify("old-secret", both, Body, At, WebhookSignature.DefaultTolerance));
        Assert.True(WebhookSignature.Verify(Secret, both, Body, At, WebhookSignature.DefaultTolerance));
    }
}
