using Bunit;
using MudBlazor.Services;

namespace Observability.Dashboard.Tests;

/// <summary>
/// A bUnit context with MudBlazor's services, disposed asynchronously (some of MudBlazor's services can only be), which
/// xunit does through <see cref="IAsyncLifetime"/>.
/// </summary>
public abstract class MudTestContext : IAsyncLifetime
{
    protected MudTestContext()
    {
        Context.Services.AddMudServices();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    protected BunitContext Context { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
