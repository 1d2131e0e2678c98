namespace OrleansReco.Tools.Import;

/// <summary>One kept line of the UCI Online Retail file: a known customer bought a product.</summary>
public sealed record OnlineRetailRow(
    string InvoiceNo,
    string StockCode,
    string Description,
    int Quantity,
    DateTimeOffset InvoiceDate,
    decimal? UnitPrice,
    string CustomerId);

/// <summary>Why a line of the file was not turned into an event.</summary>
public enum OnlineRetailSkip
{
    Malformed,
    MissingCustomer,
    Cancelled,
    NonPositiveQuantity,
    ServiceCode,
    DuplicateInInvoice,
    InvalidId,
}
