using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;

namespace OrleansReco.Grains.Embeddings;

/// <summary>
/// Every silo asks the trainer every <see cref="ModelOptions.EmbeddingScheduleCheck"/> whether a training is due; the
/// trainer decides, so the schedule survives the loss of any silo and trains once however many silos ask.
/// </summary>
public sealed class EmbeddingTrainingSchedule(
    IGrainFactory grains, IOptions<ModelOptions> options, TimeProvider clock, ILogger<EmbeddingTrainingSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EmbeddingScheduleCheck, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await grains.GetGrain<IEmbeddingTrainerGrain>(0).TrainIfDue();
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not ask the embedding trainer whether a training is due");
            }
        }
    }
}
