using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace SampleCnn.Data.Sources;

/// <summary>A delimited text file (CSV, TSV, quoted or not) read whole: a header and rows of fields.</summary>
internal sealed record DelimitedTable(string Path, IReadOnlyList<string> Header, IReadOnlyList<string[]> Rows)
{
    public static DelimitedTable Read(string path, string delimiter)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { Delimiter = delimiter, BadDataFound = null, MissingFieldFound = null };
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
            throw new DatasetException($"{path}: no header row");
        var rows = new List<string[]>();
        while (csv.Read())
        {
            var row = new string[header.Length];
            for (int i = 0; i < header.Length; i++) row[i] = csv.TryGetField<string>(i, out var value) ? value ?? "" : "";
            if (csv.Parser.Count != header.Length)
                throw new DatasetException($"{path}: line {csv.Parser.RawRow} has {csv.Parser.Count} fields, the header has {header.Length}");
            rows.Add(row);
        }
        return new DelimitedTable(path, header.Select(h => h.Trim()).ToArray(), rows);
    }

    /// <summary>Index of a named column, or -1.</summary>
    public int Column(string name) => Header.ToList().FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
}
