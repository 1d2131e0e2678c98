namespace OrleansReco.SystemTests.Infrastructure;

/// <summary>
/// Figures a test measured (not asserted), written to the folder named by RECO_TEST_REPORTS so that ./test.sh can
/// print them after the run; the test runner itself shows test output only at its most verbose.
/// </summary>
public static class TestReport
{
    public static void Write(string name, IEnumerable<string> lines)
    {
        var folder = Environment.GetEnvironmentVariable("RECO_TEST_REPORTS");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, name + ".txt"), lines);
    }
}
