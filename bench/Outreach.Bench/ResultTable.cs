using System.Globalization;

namespace Outreach.Bench;

/// <summary>Prints rows of measurements as an aligned text table.</summary>
public sealed class ResultTable(string title, params string[] columns)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; values are formatted with the invariant culture.</summary>
    public void Add(params object[] values) =>
        _rows.Add([.. values.Select(v => v switch
        {
            double d => d.ToString(d >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        })]);

    /// <summary>Writes the table.</summary>
    public void WriteTo(TextWriter output)
    {
        var widths = columns.Select((c, i) => Math.Max(c.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine();
        output.WriteLine(title);
        output.WriteLine(Line(columns));
        output.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            output.WriteLine(Line(row));
        }

        string Line(string[] cells) => string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
    }
}
