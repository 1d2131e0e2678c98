namespace OrleansReco.StorageTests;

[GenerateSerializer, Alias("OrleansReco.StorageTests.TestState")]
public sealed class TestState
{
    [Id(0)] public string Text { get; set; } = string.Empty;
    [Id(1)] public int Counter { get; set; }
    [Id(2)] public byte[] Payload { get; set; } = [];
}
