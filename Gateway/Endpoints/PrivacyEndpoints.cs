using OrleansReco.Gateway.Auth;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Gateway.Validation;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Endpoints;

/// <summary>
/// What a shop does for its shoppers' data rights: profile, export, consent, erasure. Privacy role (and admin).
/// The raw user id is used here only to derive the pseudonym and the erasure hash; it is never logged or stored.
/// </summary>
internal static class PrivacyEndpoints
{
    public static void MapPrivacy(this RouteGroupBuilder v1)
    {
        var users = v1.MapGroup("/users")
            .RequireAuthorization(RecoRoles.Privacy)
            .DisallowCaching();

        users.MapPut("/{userId}/profile", PutProfile)
            .Accepts<ProfileRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("PutProfile")
            .WithSummary("Replace the shopper's profile attributes (stored encrypted).")
            .WithDescription($"At most {ProfileParser.MaxAttributes} attributes; names 1-{ProfileParser.MaxNameLength} characters of " +
                             $"A-Z a-z 0-9 _ - .; values strings of at most {ProfileParser.MaxValueLength} characters without control " +
                             $"characters; body at most {ProfileParser.MaxBodyBytes} bytes. An empty attributes object clears the profile.");

        users.MapGet("/{userId}/export", GetExport)
            .Produces<UserExportResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ExportUser")
            .WithSummary("Everything held about the shopper, decrypted, as one document.")
            .WithDescription("404 when nothing is held (never seen, or erased). Answers carry Cache-Control: no-store.");

        users.MapPut("/{userId}/consent", PutConsent)
            .Accepts<ConsentRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("PutConsent")
            .WithSummary("Set consent to personalisation.")
            .WithDescription("false: the history held is deleted (and retracted from every aggregate), no event is recorded and " +
                             "recommendations are not personalised until consent is given again with true.");

        users.MapDelete("/{userId}", DeleteUser)
            .Produces<ErasureReceiptResponse>()
            .ProducesValidationProblem()
            .WithName("EraseUser")
            .WithSummary("Erase everything held about the shopper; answers with a receipt once erasure is complete.")
            .WithDescription("Retracts the shopper's contributions from every item aggregate, deletes the state and its key and " +
                             "writes a receipt (Location: the admin receipt URL) before answering. modelCleanBy estimates when every silo " +
                             "serves a trained model without the shopper (a retraining starts soon). Idempotent: a repeat answers a " +
                             "new receipt with historyItemsRetracted 0 (and modelCleanBy null).");
    }

    private static IUserGrain User(IGrainFactory grains, Pseudonymizer pseudonymizer, string userId) =>
        grains.GetGrain<IUserGrain>(pseudonymizer.Pseudonymize(userId));

    /// <summary>The user id in the path, or a validation problem with <paramref name="title"/> and <paramref name="detail"/>.</summary>
    private static (string? UserId, IResult? Problem) ReadUserId(HttpRequest request, string title, string? detail = null)
    {
        var errors = new FieldErrors();
        var userId = PathIds.Read(request.HttpContext, "userId", errors);
        return errors.Any ? (null, TypedResults.ValidationProblem(errors.ToDictionary(), title: title, detail: detail)) : (userId, null);
    }

    private static async Task<IResult> PutProfile(
        HttpRequest request, IGrainFactory grains, Pseudonymizer pseudonymizer, CancellationToken cancellationToken)
    {
        var (userId, invalidId) = ReadUserId(request, "Invalid profile", "The profile was not changed.");
        if (invalidId is not null)
        {
            return invalidId;
        }
        var (attributes, problem) = await JsonBody.ParseAsync(request, ProfileParser.Parse, cancellationToken, ProfileParser.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        await User(grains, pseudonymizer, userId!).SetProfile(attributes!);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetExport(HttpRequest request, IGrainFactory grains, Pseudonymizer pseudonymizer, TimeProvider time)
    {
        var (userId, invalidId) = ReadUserId(request, "Invalid request");
        if (invalidId is not null)
        {
            return invalidId;
        }
        var export = await User(grains, pseudonymizer, userId!).Export();
        if (export is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Nothing held",
                detail: "Nothing is held about this user: no data was ever recorded for this id, or it was erased.");
        }
        return TypedResults.Ok(new UserExportResponse(
            userId!,
            new SortedDictionary<string, string>(export.Profile.ToDictionary(), StringComparer.Ordinal),
            new ConsentResponse(export.Personalization),
            export.History
                .Select(h => new ExportedHistoryItemResponse(h.ItemId, h.FirstSeen, h.LastSeen, h.Views, h.Carts, h.Purchases, h.Affinity))
                .ToList(),
            export.Embedding,
            time.GetUtcNow(),
            export.Segment is { } segment ? new SegmentResponse(segment.ModelVersion, segment.Id, segment.TopCategories) : null));
    }

    private static async Task<IResult> PutConsent(
        HttpRequest request, IGrainFactory grains, Pseudonymizer pseudonymizer, CancellationToken cancellationToken)
    {
        var (userId, invalidId) = ReadUserId(request, "Invalid consent", "The consent was not changed.");
        if (invalidId is not null)
        {
            return invalidId;
        }
        var (personalization, problem) = await JsonBody.ParseAsync(request, ConsentParser.Parse, cancellationToken, ConsentParser.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        await User(grains, pseudonymizer, userId!).SetConsent(personalization!.Value);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> DeleteUser(
        HttpRequest request, IGrainFactory grains, Pseudonymizer pseudonymizer, ErasureReceiptHasher hasher)
    {
        var (userId, invalidId) = ReadUserId(request, "Invalid request", "Nothing was erased.");
        if (invalidId is not null)
        {
            return invalidId;
        }
        var salt = ErasureReceiptHasher.NewSalt();
        var receipt = await User(grains, pseudonymizer, userId!).Erase(new ErasureRequest(Guid.NewGuid(), salt, hasher.Hash(salt, userId!)));
        request.HttpContext.Response.Headers.Location = $"{request.PathBase}{AdminEndpoints.ReceiptPath(receipt.ReceiptId)}";
        return TypedResults.Ok(ToResponse(receipt));
    }

    internal static ErasureReceiptResponse ToResponse(ErasureReceipt receipt) =>
        new(receipt.ReceiptId, receipt.ErasedAt, receipt.Salt, receipt.Hash, receipt.HistoryItemsRetracted, receipt.ModelCleanBy);
}
