using System.Globalization;

namespace OrleansReco.Testing;

/// <summary>
/// Evaluation data with a known answer: two groups of 20 shoppers ("{prefix}a0".."{prefix}b19") who each buy only
/// their own group's 12 items ("{prefix}a0".."{prefix}a11"). Shopper n bought items n..n+5 (mod 12) in train and
/// n+6, n+7 in test, so a shopper's unseen group items are what a working pipeline must find.
/// </summary>
public sealed class ShopperGroups(string prefix = "")
{
    private const int ItemsPerGroup = 12;

    /// <summary>The group's prefix of a shopper's id, which every item of that group starts with.</summary>
    public string GroupOf(string user) => user[..(prefix.Length + 1)];

    public IEnumerable<string> TrainItems(string user)
    {
        var n = int.Parse(user[(prefix.Length + 1)..], CultureInfo.InvariantCulture);
        return Enumerable.Range(0, 6).Select(i => $"{GroupOf(user)}{(n + i) % ItemsPerGroup}");
    }

    /// <summary>Writes train.tsv and test.tsv (user item rating timestamp) into <paramref name="directory"/>.</summary>
    public (string Train, string Test) Write(string directory)
    {
        var train = new List<string>();
        var test = new List<string>();
        var time = 1_300_000_000L;
        foreach (var group in new[] { $"{prefix}a", $"{prefix}b" })
        {
            for (var n = 0; n < 20; n++)
            {
                var user = $"{group}{n}";
                train.AddRange(TrainItems(user).Select(item => $"{user}\t{item}\t1\t{time++}"));
                test.AddRange(new[] { 6, 7 }.Select(i => $"{user}\t{group}{(n + i) % ItemsPerGroup}\t1\t{time + 1_000_000}"));
            }
        }
        var (trainPath, testPath) = (Path.Combine(directory, "train.tsv"), Path.Combine(directory, "test.tsv"));
        File.WriteAllLines(trainPath, train);
        File.WriteAllLines(testPath, test);
        return (trainPath, testPath);
    }
}
