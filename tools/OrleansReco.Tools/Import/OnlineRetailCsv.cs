using System.Globalization;

namespace OrleansReco.Tools.Import;

/// <summary>Row rules for the UCI Online Retail CSV, the same as the fixed evaluation split in the data README.</summary>
public static class OnlineRetailCsv
{
    // Postage, discounts, fees, samples, adjustments and tests: not products a shopper chose.
    private static readonly HashSet<string> ServiceCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "POST", "D", "M", "C2", "C3", "BANK CHARGES", "AMAZONFEE", "DOT", "CRUK", "PADS", "ADJUST2", "TEST001",
    };

    // The file in ../shared has ISO dates; the original spreadsheet export has US dates without seconds.
    private static readonly string[] DateFormats =
        ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss"];

    public static readonly string[] RequiredColumns =
        ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"];

    public static bool IsProductStockCode(string stockCode)
    {
        var code = stockCode.Trim();
        return code.Length > 0
            && !ServiceCodes.Contains(code)
            && !code.StartsWith("gift_", StringComparison.OrdinalIgnoreCase)
            && code.Any(char.IsAsciiDigit);
    }

    /// <summary>Invoice times carry no zone; they are read as UTC, like the evaluation split.</summary>
    public static bool TryParseInvoiceDate(string text, out DateTimeOffset value)
    {
        if (DateTime.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            value = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Utc));
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Column positions by header name, so a file with reordered or extra columns still reads.</summary>
    public static IReadOnlyDictionary<string, int> ParseHeader(string headerLine)
    {
        var fields = CsvLine.Split(headerLine.TrimStart('\uFEFF'))
            ?? throw new InvalidDataException("The header line of the Online Retail file is not valid CSV.");
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < fields.Count; i++)
        {
            columns.TryAdd(fields[i].Trim(), i);
        }

        var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"The Online Retail file lacks the column(s) {string.Join(", ", missing)}.");
        }

        return columns;
    }

    /// <summary>Parses and filters one data line. Returns null and the reason when the line is not a purchase event.</summary>
    public static OnlineRetailRow? ParseRow(string line, IReadOnlyDictionary<string, int> columns, out OnlineRetailSkip skip)
    {
        skip = OnlineRetailSkip.Malformed;
        var fields = CsvLine.Split(line);
        if (fields is null || fields.Count <= columns.Values.Max())
        {
            return null;
        }

        string Field(string name) => fields[columns[name]].Trim();

        var customer = NormaliseCustomerId(Field("CustomerID"));
        var invoice = Field("InvoiceNo");
        var stockCode = Field("StockCode");
        if (customer.Length == 0)
        {
            skip = OnlineRetailSkip.MissingCustomer;
            return null;
        }

        if (invoice.StartsWith('C') || invoice.StartsWith('c'))
        {
            skip = OnlineRetailSkip.Cancelled;
            return null;
        }

        if (!int.TryParse(Field("Quantity"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var quantity))
        {
            return null;
        }

        if (quantity <= 0)
        {
            skip = OnlineRetailSkip.NonPositiveQuantity;
            return null;
        }

        if (!IsProductStockCode(stockCode))
        {
            skip = OnlineRetailSkip.ServiceCode;
            return null;
        }

        if (!TryParseInvoiceDate(Field("InvoiceDate"), out var date))
        {
            return null;
        }

        if (!Ids.IsValid(customer) || !Ids.IsValid(stockCode))
        {
            skip = OnlineRetailSkip.InvalidId;
            return null;
        }

        decimal? price = decimal.TryParse(Field("UnitPrice"), NumberStyles.Number, CultureInfo.InvariantCulture, out var p) && p >= 0 ? p : null;
        return new OnlineRetailRow(invoice, stockCode, Field("Description"), quantity, date, price, customer);
    }

    // Some exports write the customer as a float ("17850.0"); the id is the integer.
    private static string NormaliseCustomerId(string text) =>
        text.EndsWith(".0", StringComparison.Ordinal) ? text[..^2] : text;
}
