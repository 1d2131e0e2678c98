using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace OrleansReco.BrowserTests;

/// <summary>
/// The demo storefront as a person uses it, in headless Chromium: Playwright's assertions wait for what the page
/// shows (up to their timeout), so nothing here sleeps.
/// </summary>
[Collection(DemoShopCollection.Name)]
public sealed class DemoStorefrontTests(DemoShop shop)
{
    private const int PhoneWidth = 390;
    private const int PhoneHeight = 844;

    [Fact]
    public async Task A_shopper_buys_an_item_sees_recommendations_follow_it_and_after_erasure_is_new()
    {
        var page = await shop.OpenAsync(PhoneWidth, PhoneHeight);

        // A synthetic shopper with history gets recommendations from it, each with its reason in words.
        await page.Locator("#shopper").SelectOptionAsync("user-0001");
        await Expect(page.Locator("#recommended-status")).ToHaveTextAsync("Picked for user-0001 from their history.");
        await Expect(page.Locator("#recommended-list .reason").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Because you|Shoppers like you|Popular now)"));

        // A new shopper starts from popular items.
        await page.Locator("#new-shopper").ClickAsync();
        var shopper = await page.Locator("#shopper").InputValueAsync();
        await Expect(page.Locator("#recommended-status")).ToContainTextAsync("is new here");
        await Expect(page.Locator("#recommended-list .reason")).Not.ToHaveCountAsync(0);
        Assert.All(await page.Locator("#recommended-list .reason").AllTextContentsAsync(), reason => Assert.Equal("Popular now", reason));

        // They find the shop's best-seller, open it and buy it.
        await page.Locator("#search").FillAsync("item-0000");
        await Expect(page.Locator("#catalogue-list .card")).ToHaveCountAsync(1);
        await page.Locator("#catalogue-list .card").ClickAsync();
        var title = await page.Locator("#item-title").TextContentAsync();
        Assert.False(string.IsNullOrEmpty(title));
        await Expect(page.Locator("#item-status")).ToHaveTextAsync($"Viewed: {title}.");
        await Expect(page.Locator("#similar-list .card")).Not.ToHaveCountAsync(0);
        await page.Locator("#buy").ClickAsync();
        await Expect(page.Locator("#item-status")).ToHaveTextAsync($"Bought: {title}.");

        // Their recommendations follow the purchase at once, and say so.
        await Expect(page.Locator("#recommended-status")).ToHaveTextAsync($"Picked for {shopper} from their history.");
        await Expect(page.Locator("#recommended-list .reason").First).ToHaveTextAsync($"Because you bought {title}");
        await Expect(page.Locator("#privacy-summary")).ToContainTextAsync("We hold 1 history item");
        await SaveScreenshotIfAsked(page);

        // The page fits a phone's width: nothing to scroll sideways.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));

        // Their export downloads as a file holding the purchase.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export").ClickAsync());
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("\"item-0000\"", exported);
        Assert.Equal($"{shopper}-export.json", download.SuggestedFilename);

        // Erased, they get a receipt and are a new shopper again.
        await page.Locator("#erase").ClickAsync();
        await Expect(page.Locator("#receipt")).ToBeVisibleAsync();
        await Expect(page.Locator("#receipt-retracted")).ToHaveTextAsync("1");
        await Expect(page.Locator("#receipt-id")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f-]{36}$"));
        await Expect(page.Locator("#privacy-summary")).ToHaveTextAsync($"Nothing is held about {shopper}: a new shopper.");
        await Expect(page.Locator("#recommended-status")).ToContainTextAsync("is new here");
        Assert.All(await page.Locator("#recommended-list .reason").AllTextContentsAsync(), reason => Assert.Equal("Popular now", reason));
    }

    [Fact]
    public async Task Personalisation_turned_off_deletes_the_history_and_turned_on_records_again()
    {
        var page = await shop.OpenAsync(1280, 900);
        await page.Locator("#new-shopper").ClickAsync();
        var shopper = await page.Locator("#shopper").InputValueAsync();
        await page.Locator("#search").FillAsync("item-0001");
        await page.Locator("#catalogue-list .card").ClickAsync();
        await page.Locator("#add-to-cart").ClickAsync();
        await Expect(page.Locator("#privacy-summary")).ToContainTextAsync("We hold 1 history item");
        await Expect(page.Locator("#recommended-status")).ToHaveTextAsync($"Picked for {shopper} from their history.");

        await page.Locator("#consent").ClickAsync();
        await Expect(page.Locator("#privacy-summary")).ToHaveTextAsync($"We hold 0 history items and 0 profile values about {shopper}; personalisation is off.");
        await Expect(page.Locator("#consent")).ToHaveTextAsync("Turn personalisation on");
        await Expect(page.Locator("#recommended-status")).ToContainTextAsync("is new here (or opted out)");

        await page.Locator("#consent").ClickAsync();
        await Expect(page.Locator("#privacy-summary")).ToContainTextAsync("personalisation is on.");
        await page.Locator("#buy").ClickAsync();
        await Expect(page.Locator("#privacy-summary")).ToContainTextAsync("We hold 1 history item");
    }

    [Fact]
    public async Task A_link_with_a_shopper_id_opens_the_shop_as_that_shopper()
    {
        var page = await shop.OpenAsync(1280, 900, "/demo/#user-0042");

        await Expect(page.Locator("#shopper")).ToHaveValueAsync("user-0042");
        await Expect(page.Locator("#recommended-status")).ToHaveTextAsync("Picked for user-0042 from their history.");
    }

    [Fact]
    public async Task The_catalogue_filters_by_category_and_popular_follows_the_category()
    {
        var page = await shop.OpenAsync(1280, 900);
        await Expect(page.Locator("#catalogue-status")).ToHaveTextAsync("Showing 40 of 40 items.");

        await page.Locator("#category").SelectOptionAsync("category-2");
        await Expect(page.Locator("#catalogue-status")).ToHaveTextAsync("Showing 10 of 10 items.");
        Assert.All(await page.Locator("#catalogue-list .card .meta").AllTextContentsAsync(), meta => Assert.StartsWith("category-2 ·", meta));
        await Expect(page.Locator("#popular-title")).ToHaveTextAsync("Popular now in category-2");
        await Expect(page.Locator("#popular-list .card")).Not.ToHaveCountAsync(0);
        Assert.All(await page.Locator("#popular-list .card .meta").AllTextContentsAsync(), meta => Assert.StartsWith("category-2", meta));

        await page.Locator("#search").FillAsync("no such thing");
        await Expect(page.Locator("#catalogue-status")).ToHaveTextAsync("No item matches.");
        await Expect(page.Locator("#catalogue-list .card")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(PhoneWidth, PhoneHeight)]
    public async Task The_shop_and_an_item_page_have_no_serious_or_critical_accessibility_violations(int width, int height)
    {
        var page = await shop.OpenAsync(width, height);
        await Expect(page.Locator("#recommended-list .card")).Not.ToHaveCountAsync(0);
        AssertNoSeriousViolations(await page.RunAxe());

        await page.Locator("#catalogue-list .card").First.ClickAsync();
        await Expect(page.Locator("#item-status")).ToContainTextAsync("Viewed: ");
        AssertNoSeriousViolations(await page.RunAxe());
    }

    private static void AssertNoSeriousViolations(AxeResult result)
    {
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    /// <summary>
    /// The README's picture of the page: RECO_DEMO_SCREENSHOT=path makes the journey save it there, at a laptop's
    /// width, where the item, its similar items and the recommendations fit in one view.
    /// </summary>
    private static async Task SaveScreenshotIfAsked(IPage page)
    {
        if (Environment.GetEnvironmentVariable("RECO_DEMO_SCREENSHOT") is { Length: > 0 } path)
        {
            await page.SetViewportSizeAsync(1100, 760);
            await page.EvaluateAsync("window.scrollTo(0, 0)");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
            await page.SetViewportSizeAsync(PhoneWidth, PhoneHeight);
        }
    }
}
