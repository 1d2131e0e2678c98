using System.Diagnostics.CodeAnalysis;

namespace OrleansReco.StorageTests;

/// <summary>What a grain activation holds between storage calls; a null state fails loudly instead of by NRE.</summary>
public sealed class TestGrainState : IGrainState<TestState>
{
    private TestState? _state = new();

    [AllowNull]
    public TestState State
    {
        get => _state ?? throw new InvalidOperationException("The storage provider left the grain state null.");
        set => _state = value;
    }

    public string? ETag { get; set; }
    public bool RecordExists { get; set; }
}
