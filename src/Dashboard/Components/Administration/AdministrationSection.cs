using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Observability.Dashboard.Administration;

namespace Observability.Dashboard.Components.Administration;

/// <summary>
/// What every Settings and Load test part shares: the signed-in user, checked against a policy again before each action
/// (never trusting that the button was shown only to those allowed), and one message line saying how the action went.
/// </summary>
public abstract class AdministrationSection : ComponentBase
{
    [Inject]
    public required ActingUser Acting { get; set; }

    [CascadingParameter]
    public Task<AuthenticationState>? Authentication { get; set; }

    protected string? Message { get; private set; }

    protected bool MessageIsError { get; private set; }

    /// <summary>The signed-in user's name if they satisfy <paramref name="policy"/>; throws <see cref="UnauthorizedAccessException"/> otherwise.</summary>
    protected Task<string> RequireAsync(string policy) => Acting.RequireAsync(Authentication, policy);

    protected void Succeed(string message)
    {
        Message = message;
        MessageIsError = false;
    }

    protected void Fail(string message)
    {
        Message = message;
        MessageIsError = true;
    }

    /// <summary>An exception's message as a sentence for the page: capitalised, without ArgumentException's "(Parameter 'x')", with a full stop.</summary>
    protected static string Sentence(Exception error)
    {
        var text = error.Message.Split(" (Parameter")[0];
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..] + (text.EndsWith('.') ? "" : ".");
    }
}
