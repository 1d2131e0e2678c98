using OrleansReco.Tools.Import;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.ToolsTests;

public sealed class OnlineRetailTests
{
    // A hand-written excerpt in the shape of the real file, with one line for each rule.
    public const string Excerpt = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom
        536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850,United Kingdom
        536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,2,2010-12-01 08:26:00,2.55,17850,United Kingdom
        536381,82567,"AIRLINE LOUNGE,METAL SIGN",2,2010-12-01 09:41:00,2.1,15311,United Kingdom
        536477,22041,"RECORD FRAME 7"" SINGLE SIZE ",48,12/1/2010 12:27,2.1,16210.0,United Kingdom
        C536379,22041,RECORD FRAME,-1,2010-12-01 09:41:00,2.1,14527,United Kingdom
        536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,2010-12-01 14:32:00,2.51,,United Kingdom
        536370,POST,POSTAGE,3,2010-12-01 08:45:00,18,12583,France
        539492,gift_0001_40,Dotcomgiftshop Gift Voucher £40.00,1,2010-12-20 10:14:00,34.04,12346,United Kingdom
        536569,M,Manual,1,2010-12-01 15:35:00,1.25,16274,United Kingdom
        536400,BANK CHARGES,Bank Charges,1,2010-12-01 16:00:00,15,13000,United Kingdom
        536401,C2,CARRIAGE,1,2010-12-01 16:01:00,50,14000,United Kingdom
        536402,84406B,CREAM CUPID HEARTS COAT HANGER,0,2010-12-01 16:02:00,2.75,17850,United Kingdom
        536403,84406B,CREAM CUPID HEARTS COAT HANGER,-3,2010-12-01 16:03:00,2.75,17850,United Kingdom
        536404,84406B,"UNTERMINATED,5,2010-12-01 16:04:00,2.75,17850,United Kingdom
        536405,84406B,CREAM CUPID HEARTS COAT HANGER,4,not a date,2.75,17850,United Kingdom
        536406,84029G,KNITTED UNION FLAG HOT WATER BOTTLE,6,2010-12-02 09:00:00,3.39,17850,United Kingdom
        """;

    [Fact]
    public void Keeps_purchases_of_known_customers_and_real_products_only()
    {
        var reader = new OnlineRetailReader();
        var rows = reader.Read(Lines(Excerpt)).ToList();

        Assert.Equal(
            ["17850/85123A", "17850/71053", "15311/82567", "16210/22041", "17850/84029G"],
            rows.Select(r => $"{r.CustomerId}/{r.StockCode}"));
        Assert.Equal(17, reader.LinesRead);
        Assert.Equal(5, reader.RowsKept);
        Assert.Equal(1, reader.Skipped[OnlineRetailSkip.DuplicateInInvoice]);
        Assert.Equal(1, reader.Skipped[OnlineRetailSkip.Cancelled]);
        Assert.Equal(1, reader.Skipped[OnlineRetailSkip.MissingCustomer]);
        Assert.Equal(5, reader.Skipped[OnlineRetailSkip.ServiceCode]);
        Assert.Equal(2, reader.Skipped[OnlineRetailSkip.NonPositiveQuantity]);
        Assert.Equal(2, reader.Skipped[OnlineRetailSkip.Malformed]);
    }

    [Fact]
    public void Quoted_descriptions_dates_and_prices_are_read_exactly()
    {
        var rows = new OnlineRetailReader().Read(Lines(Excerpt)).ToList();

        var sign = rows.Single(r => r.StockCode == "82567");
        Assert.Equal("AIRLINE LOUNGE,METAL SIGN", sign.Description);
        Assert.Equal(2.1m, sign.UnitPrice);
        Assert.Equal(new DateTimeOffset(2010, 12, 1, 9, 41, 0, TimeSpan.Zero), sign.InvoiceDate);

        var frame = rows.Single(r => r.StockCode == "22041");
        Assert.Equal("RECORD FRAME 7\" SINGLE SIZE", frame.Description);
        Assert.Equal(new DateTimeOffset(2010, 12, 1, 12, 27, 0, TimeSpan.Zero), frame.InvoiceDate);
        Assert.Equal("16210", frame.CustomerId);
    }

    [Fact]
    public void Rows_become_purchase_events_and_catalogue_items()
    {
        var row = new OnlineRetailReader().Read(Lines(Excerpt)).First();

        Assert.Equal(
            new StorefrontEvent("17850", "85123A", StorefrontEventType.Purchase, new DateTimeOffset(2010, 12, 1, 8, 26, 0, TimeSpan.Zero)),
            OnlineRetailReader.ToEvent(row));
        var item = OnlineRetailReader.ToCatalogItem(row);
        Assert.Equal(("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", (string?)null, 2.55m, true), (item.ItemId, item.Title, item.Category, item.Price, item.Available));
    }

    [Theory]
    [InlineData("85123A", true)]
    [InlineData("22041", true)]
    [InlineData("DCGS0003", true)]
    [InlineData("POST", false)]
    [InlineData("D", false)]
    [InlineData("M", false)]
    [InlineData("C2", false)]
    [InlineData("C3", false)]
    [InlineData("BANK CHARGES", false)]
    [InlineData("AMAZONFEE", false)]
    [InlineData("DOT", false)]
    [InlineData("CRUK", false)]
    [InlineData("PADS", false)]
    [InlineData("ADJUST2", false)]
    [InlineData("TEST001", false)]
    [InlineData("gift_0001_20", false)]
    [InlineData("B", false)]
    [InlineData("", false)]
    public void Service_codes_are_not_products(string code, bool isProduct) =>
        Assert.Equal(isProduct, OnlineRetailCsv.IsProductStockCode(code));

    [Fact]
    public void Columns_are_found_by_name()
    {
        const string reordered = """
            Country,CustomerID,InvoiceDate,InvoiceNo,StockCode,Quantity,UnitPrice,Description
            France,12583,2010-12-01 08:45:00,536370,22728,24,3.75,ALARM CLOCK BAKELIKE PINK
            """;

        var row = Assert.Single(new OnlineRetailReader().Read(Lines(reordered)));

        Assert.Equal(("12583", "22728", "ALARM CLOCK BAKELIKE PINK", 24), (row.CustomerId, row.StockCode, row.Description, row.Quantity));
    }

    [Fact]
    public void A_file_without_the_needed_columns_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => new OnlineRetailReader().Read(["a,b,c", "1,2,3"]).ToList());
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("a,,c,", new[] { "a", "", "c", "" })]
    [InlineData("\"x,y\",\"say \"\"hi\"\"\",z", new[] { "x,y", "say \"hi\"", "z" })]
    [InlineData("\"\"", new[] { "" })]
    public void Csv_lines_split_like_rfc_4180(string line, string[] expected) =>
        Assert.Equal(expected, CsvLine.Split(line));

    [Theory]
    [InlineData("\"open,b")]
    [InlineData("\"closed\"x,b")]
    public void Broken_quotes_are_malformed(string line) => Assert.Null(CsvLine.Split(line));

    public static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));
}
