namespace Observability.Dashboard.Traces;

/// <summary>A colour per service on a trace's waterfall, told apart by position: the i-th service of the trace gets the i-th colour.</summary>
public static class ServiceColors
{
    // Distinct at a glance and readable on white (Tableau 10).
    private static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac", "#e15759"];

    public static string Of(int serviceIndex) => Palette[serviceIndex % Palette.Length];
}
