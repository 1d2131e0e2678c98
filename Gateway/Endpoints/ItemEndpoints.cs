using Microsoft.Extensions.Options;
using OrleansReco.Gateway.Auth;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Gateway.Validation;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Endpoints;

internal static class ItemEndpoints
{
    public static void MapItems(this RouteGroupBuilder v1)
    {
        v1.MapGet("/items", GetCatalogue)
            .RequireAuthorization(RecoRoles.Storefront)
            .Produces<CatalogueResponse>()
            .ProducesValidationProblem()
            .WithName("GetCatalogue")
            .WithSummary("A page of the catalogue in item-id order, optionally of one category.")
            .WithDescription("Query: count (1-100, default 10), category, after (the next page starts after this item id: the previous page's next).");

        // The literal route wins over /items/{itemId}/... because it has a different shape; "popular" stays usable as an item id for PUT.
        v1.MapGet("/items/popular", GetPopular)
            .RequireAuthorization(RecoRoles.Storefront)
            .Produces<PopularItemsResponse>()
            .ProducesValidationProblem()
            .WithName("GetPopularItems")
            .WithSummary("The most popular available items, optionally of one category.")
            .WithDescription("Query: count (1-100, default 10), category.");

        v1.MapGet("/items/{itemId}/similar", GetSimilar)
            .RequireAuthorization(RecoRoles.Storefront)
            .Produces<SimilarItemsResponse>()
            .ProducesValidationProblem()
            .WithName("GetSimilarItems")
            .WithSummary("The item's neighbourhood: items bought or viewed together by enough distinct shoppers.")
            .WithDescription("Query: count (1-100, default 10).");

        v1.MapPut("/items/{itemId}", PutItem)
            .RequireAuthorization(RecoRoles.Catalog)
            .Accepts<ItemUpsertRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("PutItem")
            .WithSummary("Create or replace an item's catalogue data.");
    }

    private static async Task<IResult> GetPopular(HttpRequest request, IGrainFactory grains, IOptions<StorefrontOptions> storefront)
    {
        var errors = new FieldErrors();
        var count = QueryParameters.ReadCount(request.Query, errors);
        var category = QueryParameters.ReadOptionalId(request.Query, "category", errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");
        }
        var items = await storefront.Value.Within(grains.GetGrain<IRecommenderGrain>(0).Popular(count, category));
        return TypedResults.Ok(new PopularItemsResponse(
            items.Select(i => new PopularItemResponse(i.ItemId, i.Score, i.Category)).ToList()));
    }

    private static async Task<IResult> GetCatalogue(HttpRequest request, IGrainFactory grains, IOptions<StorefrontOptions> storefront)
    {
        var errors = new FieldErrors();
        var count = QueryParameters.ReadCount(request.Query, errors);
        var category = QueryParameters.ReadOptionalId(request.Query, "category", errors);
        var after = QueryParameters.ReadOptionalId(request.Query, "after", errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");
        }
        var page = await storefront.Value.Within(grains.GetGrain<IRecommenderGrain>(0).Catalogue(category, after, count));
        var items = page
            .Select(i => new CatalogueItemResponse(
                i.ItemId, i.Details?.Title, i.Details?.Category ?? i.Category, i.Details?.Tags ?? [], i.Details?.Price, i.Details?.Available ?? i.Available))
            .ToList();
        // A full page may have a next one; a short page is the last.
        return TypedResults.Ok(new CatalogueResponse(items, items.Count == count ? items[^1].ItemId : null));
    }

    private static async Task<IResult> GetSimilar(HttpRequest request, IGrainFactory grains, IOptions<StorefrontOptions> storefront)
    {
        var errors = new FieldErrors();
        var itemId = PathIds.Read(request.HttpContext, "itemId", errors);
        var count = QueryParameters.ReadCount(request.Query, errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");
        }
        var neighbours = await storefront.Value.Within(grains.GetGrain<IItemGrain>(itemId!).GetNeighbours(count));
        return TypedResults.Ok(new SimilarItemsResponse(
            itemId!,
            neighbours.Select(n => new SimilarItemResponse(n.ItemId, n.Similarity, n.Support, n.Category, n.Content)).ToList()));
    }

    private static async Task<IResult> PutItem(HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var itemId = PathIds.Read(request.HttpContext, "itemId", errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid item");
        }
        var (details, problem) = await JsonBody.ParseAsync(request, ItemDetailsParser.Parse, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        await grains.GetGrain<IItemGrain>(itemId!).Upsert(details!);
        return TypedResults.NoContent();
    }
}
