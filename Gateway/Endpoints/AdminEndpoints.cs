using OrleansReco.Gateway.Auth;
using OrleansReco.Gateway.Contracts;
using OrleansReco.Gateway.Privacy;
using OrleansReco.Gateway.Validation;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Endpoints;

/// <summary>Operator endpoints: erasure receipts and their verification, master-key rotation, embedding training. Admin role only.</summary>
internal static class AdminEndpoints
{
    /// <summary>The rotation grain is a singleton; its key is fixed by the contract.</summary>
    private const long KeyRotationKey = 0;

    /// <summary>The embedding trainer is a singleton too.</summary>
    private const long TrainerKey = 0;

    /// <summary>How long one wait on the trainer may take: well inside the grain call timeout.</summary>
    private static readonly TimeSpan TrainerPoll = TimeSpan.FromSeconds(10);

    public static string ReceiptPath(Guid receiptId) => $"/v1/admin/erasures/{receiptId:D}";

    public static void MapAdmin(this RouteGroupBuilder v1)
    {
        var admin = v1.MapGroup("/admin")
            .RequireAuthorization(RecoRoles.Admin)
            .DisallowCaching();

        admin.MapGet("/erasures/{receiptId}", GetReceipt)
            .Produces<ErasureReceiptResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetErasureReceipt")
            .WithSummary("An erasure receipt: id, time, salt, hash and how many history items were retracted. No personal data.");

        admin.MapPost("/erasures/{receiptId}/verify", VerifyReceipt)
            .Accepts<ErasureVerifyRequest>("application/json")
            .Produces<ErasureVerifyResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithName("VerifyErasureReceipt")
            .WithSummary("Whether the receipt is about the given user id.")
            .WithDescription("Recomputes the hash with the receipt's salt and the configured pepper and compares in constant time.");

        admin.MapPost("/keys/rewrap", Rewrap)
            .Produces<KeyRotationReportResponse>()
            .WithName("RewrapKeys")
            .WithSummary("Rewrap every user data key under the current master key; safe to repeat.")
            .WithDescription("The old master key may be retired once a pass reports remaining 0.");

        admin.MapGet("/model", GetModel)
            .Produces<EmbeddingStatusResponse>()
            .WithName("GetEmbeddingModel")
            .WithSummary("The current embedding model and whether a training runs.");

        admin.MapPost("/model/train", TrainModel)
            .Produces<EmbeddingStatusResponse>()
            .Produces<EmbeddingStatusResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .WithName("TrainEmbeddingModel")
            .WithSummary("Train a new embedding model on the current histories and publish it (202; with wait=true, 200 once published).")
            .WithDescription("Joins a training that already runs. Erased shoppers have no history and no key, so they are never in a model trained after their erasure.");
    }

    private static async Task<IResult> GetModel(IGrainFactory grains) =>
        TypedResults.Ok(ToResponse(await grains.GetGrain<IEmbeddingTrainerGrain>(TrainerKey).GetStatus()));

    private static async Task<IResult> TrainModel(HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var wait = QueryParameters.ReadBoolean(request.Query, "wait", errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");
        }
        var trainer = grains.GetGrain<IEmbeddingTrainerGrain>(TrainerKey);
        var status = await trainer.Start();
        if (!wait)
        {
            return TypedResults.Json(ToResponse(status), statusCode: StatusCodes.Status202Accepted);
        }
        while (status.Training)
        {
            cancellationToken.ThrowIfCancellationRequested();
            status = await trainer.Wait(TrainerPoll);
        }
        return status.LastError is null
            ? TypedResults.Ok(ToResponse(status))
            : TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Training failed", detail: status.LastError);
    }

    private static EmbeddingStatusResponse ToResponse(EmbeddingTrainingStatus status) => new(
        status.Training,
        status.Current is { } m
            ? new EmbeddingModelResponse(m.Version, m.TrainedAt, m.Users, m.Items, m.Interactions, m.Factors, m.Regularization,
                m.ConfidenceScale, m.Sweeps, m.Seed, m.ReadTime.TotalSeconds, m.TrainTime.TotalSeconds, m.TrainingBytes,
                m.EaseItems, m.EaseRegularization,
                (m.Segments ?? []).Select(g => new ModelSegmentResponse(g.Id, g.Shoppers, g.TopCategories)).ToList())
            : null,
        status.LastError,
        status.LastAttempt,
        status.ErasedSinceTraining,
        status.RetrainAt);

    private static async Task<IResult> GetReceipt(string receiptId, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var id = QueryParameters.ReadRouteGuid(receiptId, "receiptId", errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");
        }
        var receipt = await grains.GetGrain<IErasureReceiptGrain>(id).Get();
        return receipt is null ? NoSuchReceipt() : TypedResults.Ok(PrivacyEndpoints.ToResponse(receipt));
    }

    private static async Task<IResult> VerifyReceipt(
        string receiptId, HttpRequest request, IGrainFactory grains, ErasureReceiptHasher hasher, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var id = QueryParameters.ReadRouteGuid(receiptId, "receiptId", errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid request");
        }
        var (userId, problem) = await JsonBody.ParseAsync(request, ErasureVerifyParser.Parse, cancellationToken, ErasureVerifyParser.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        var receipt = await grains.GetGrain<IErasureReceiptGrain>(id).Get();
        return receipt is null
            ? NoSuchReceipt()
            : TypedResults.Ok(new ErasureVerifyResponse(hasher.Matches(receipt.Salt, userId!, receipt.Hash)));
    }

    private static async Task<IResult> Rewrap(IGrainFactory grains)
    {
        var report = await grains.GetGrain<IKeyRotationGrain>(KeyRotationKey).RewrapAll();
        return TypedResults.Ok(new KeyRotationReportResponse(
            report.CurrentKeyId, report.Rewrapped, report.AlreadyCurrent, report.Skipped, report.Remaining));
    }

    private static IResult NoSuchReceipt() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "No such receipt",
        detail: "No erasure has this receipt id.");
}
