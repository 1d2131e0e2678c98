using OrleansReco.Tools.Synthetic;

namespace OrleansReco.Tools.Import;

/// <summary>
/// Streams the purchase events of an Online Retail CSV (plain or gzip'd), one line at a time. A stock code that
/// appears on several lines of the same invoice counts once (one event per customer, product and invoice, as in
/// the evaluation split); the file lists an invoice's lines together, so only the current invoice is remembered.
/// </summary>
public sealed class OnlineRetailReader
{
    private readonly Dictionary<OnlineRetailSkip, long> _skipped = [];

    public long LinesRead { get; private set; }

    public long RowsKept { get; private set; }

    public IReadOnlyDictionary<OnlineRetailSkip, long> Skipped => _skipped;

    public IEnumerable<OnlineRetailRow> ReadFile(string path) => Read(InputFiles.ReadLines(path));

    public IEnumerable<OnlineRetailRow> Read(IEnumerable<string> lines)
    {
        IReadOnlyDictionary<string, int>? columns = null;
        string? currentInvoice = null;
        var codesInInvoice = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (columns is null)
            {
                columns = OnlineRetailCsv.ParseHeader(line);
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            LinesRead++;
            var row = OnlineRetailCsv.ParseRow(line, columns, out var skip);
            if (row is null)
            {
                Count(skip);
                continue;
            }

            if (row.InvoiceNo != currentInvoice)
            {
                currentInvoice = row.InvoiceNo;
                codesInInvoice.Clear();
            }

            if (!codesInInvoice.Add(row.StockCode))
            {
                Count(OnlineRetailSkip.DuplicateInInvoice);
                continue;
            }

            RowsKept++;
            yield return row;
        }

        if (columns is null)
        {
            throw new InvalidDataException("The Online Retail file is empty: no header line.");
        }
    }

    public static StorefrontEvent ToEvent(OnlineRetailRow row) =>
        new(row.CustomerId, row.StockCode, StorefrontEventType.Purchase, row.InvoiceDate);

    /// <summary>
    /// The catalogue entry of a product, from its first kept line: title = Description, price = UnitPrice.
    /// No category: the file has none, and guesses from the description were too noisy to help popularity by category.
    /// </summary>
    public static CatalogItem ToCatalogItem(OnlineRetailRow row) =>
        new(row.StockCode, row.Description.Length > 0 ? row.Description : null, null, [], row.UnitPrice, Available: true);

    private void Count(OnlineRetailSkip skip) => _skipped[skip] = _skipped.GetValueOrDefault(skip) + 1;
}
