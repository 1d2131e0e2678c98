using Microsoft.Extensions.Options;
using OrleansReco.Gateway.Auth;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Gateway.Metrics;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Gateway.Validation;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Endpoints;

internal static class RecommendationEndpoints
{
    /// <summary>The recommender is a stateless worker; one key is enough, Orleans scales its activations locally.</summary>
    private const long RecommenderKey = 0;

    public static void MapRecommendations(this RouteGroupBuilder v1)
    {
        v1.MapGet("/users/{userId}/recommendations", GetRecommendations)
            .RequireAuthorization(RecoRoles.Storefront)
            .Produces<RecommendationsResponse>()
            .ProducesValidationProblem()
            .WithName("GetRecommendations")
            .WithSummary("Top items for a shopper, each with a score and the history item it is recommended because of.")
            .WithDescription("Query: count (1-100, default 10), mode (discovery|repeat, default discovery), excludeSeen (true|false), category, exclude (comma-separated item ids), diversity (0-1, default 0: maximal marginal relevance over item similarity), maxPerCategory (1-100: at most this many items of one category).");
    }

    private static async Task<IResult> GetRecommendations(
        HttpRequest request,
        IGrainFactory grains,
        Pseudonymizer pseudonymizer,
        IOptions<StorefrontOptions> storefront)
    {
        var errors = new FieldErrors();
        var userId = PathIds.Read(request.HttpContext, "userId", errors);
        var count = QueryParameters.ReadCount(request.Query, errors);
        var excludeSeen = QueryParameters.ReadBoolean(request.Query, "excludeSeen", errors);
        var mode = ReadMode(request.Query, errors);
        var category = QueryParameters.ReadOptionalId(request.Query, "category", errors);
        var exclude = QueryParameters.ReadIdList(request.Query, "exclude", errors);
        var diversity = QueryParameters.ReadFraction(request.Query, "diversity", errors);
        var maxPerCategory = QueryParameters.ReadOptionalPositive(request.Query, "maxPerCategory", QueryParameters.MaxCount, errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");
        }

        var result = await storefront.Value.Within(grains.GetGrain<IRecommenderGrain>(RecommenderKey).Recommend(
            pseudonymizer.Pseudonymize(userId!),
            new RecommendationRequest(count, excludeSeen, category, exclude, mode, Diversity: diversity, MaxPerCategory: maxPerCategory)));
        GatewayMetrics.Served(ModeName(mode), result);
        return TypedResults.Ok(new RecommendationsResponse(
            result.Items.Select(i => new RecommendedItemResponse(i.ItemId, i.Score, i.Because, ReasonNames.Of(i.Reason))).ToList(),
            result.Personalized));
    }

    private static RecommendationMode ReadMode(IQueryCollection query, FieldErrors errors)
    {
        switch (QueryParameters.ReadOptionalId(query, "mode", errors))
        {
            case null or "discovery":
                return RecommendationMode.Discovery;
            case "repeat":
                return RecommendationMode.Repeat;
            default:
                errors.Add("mode", "must be discovery or repeat");
                return RecommendationMode.Discovery;
        }
    }

    private static string ModeName(RecommendationMode mode) => mode == RecommendationMode.Repeat ? "repeat" : "discovery";
}
