using Microsoft.Extensions.Options;
using OrleansReco.Gateway.Auth;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Gateway.Validation;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Endpoints;

internal static class EventsEndpoints
{
    public static void MapEvents(this RouteGroupBuilder v1)
    {
        v1.MapPost("/events", PostEvents)
            .RequireAuthorization(RecoRoles.Storefront)
            .Accepts<EventRequest[]>("application/json")
            .Produces<EventsAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("PostEvents")
            .WithSummary("Record one behaviour event or a batch of up to 1,000.")
            .WithDescription("The whole batch is validated first; if any event is invalid, none is recorded. " +
                             "202 is answered only after every event is durable.");
    }

    private static async Task<IResult> PostEvents(
        HttpRequest request,
        IGrainFactory grains,
        Pseudonymizer pseudonymizer,
        TimeProvider time,
        IOptions<StorefrontOptions> storefront,
        CancellationToken cancellationToken)
    {
        var (events, problem) = await JsonBody.ParseAsync(request, root => EventBatchParser.Parse(root, time.GetUtcNow()), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        // Grouped by pseudonym in order of first appearance; each user's events keep the order they were sent in.
        var byUser = new Dictionary<string, List<BehaviourEvent>>(StringComparer.Ordinal);
        foreach (var incoming in events!)
        {
            var key = pseudonymizer.Pseudonymize(incoming.UserId);
            if (!byUser.TryGetValue(key, out var list))
            {
                byUser[key] = list = [];
            }
            list.Add(incoming.Event);
        }

        // Different users are independent grains, so their writes run in parallel; 202 waits for all of them
        // because acknowledged means durable. Past the storefront's timeout the answer is a 503: the writes may still land.
        await storefront.Value.Within(Task.WhenAll(byUser.Select(pair => grains.GetGrain<IUserGrain>(pair.Key).Record(pair.Value))));
        return TypedResults.Accepted((string?)null, new EventsAccepted(events!.Count));
    }
}
