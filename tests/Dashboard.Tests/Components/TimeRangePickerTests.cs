using Bunit;
using Observability.Dashboard.Components.Shared;

namespace Observability.Dashboard.Tests.Components;

public sealed class TimeRangePickerTests : MudTestContext
{
    [Theory]
    [InlineData(5, "Last 5 minutes")]
    [InlineData(60, "Last 1 hour")]
    [InlineData(360, "Last 6 hours")]
    [InlineData(1440, "Last 1 day")]
    [InlineData(10080, "Last 7 days")]
    public void Describes_a_range_in_words(int minutes, string words)
    {
        Assert.Equal(words, TimeRangePicker.Describe(TimeSpan.FromMinutes(minutes)));
    }

    [Fact]
    public void Shows_the_chosen_range_and_reports_a_new_choice()
    {
        TimeSpan? chosen = null;
        var picker = Context.Render<TimeRangePicker>(parameters => parameters
            .Add(p => p.Value, TimeSpan.FromHours(1))
            .Add(p => p.ValueChanged, range => chosen = range));
        Assert.Equal("Last 1 hour", picker.Find("input").GetAttribute("value"));

        picker.InvokeAsync(() => picker.FindComponent<MudBlazor.MudSelect<TimeSpan>>().Instance.ValueChanged.InvokeAsync(TimeSpan.FromDays(7)));

        Assert.Equal(TimeSpan.FromDays(7), chosen);
        Assert.Equal(TimeSpan.FromDays(7), picker.Instance.Value);
    }
}
