using System.IO.Compression;
using OrleansReco.Tools.Import;
using OrleansReco.Tools.Synthetic;

namespace OrleansReco.ToolsTests;

public sealed class TsvEventReaderTests
{
    [Theory]
    [InlineData(5, StorefrontEventType.Purchase)]
    [InlineData(4, StorefrontEventType.Purchase)]
    [InlineData(3.5, StorefrontEventType.Cart)]
    [InlineData(3, StorefrontEventType.Cart)]
    [InlineData(2.5, StorefrontEventType.View)]
    [InlineData(1, StorefrontEventType.View)]
    [InlineData(0, StorefrontEventType.View)]
    public void Ratings_map_to_event_types(double rating, StorefrontEventType type) =>
        Assert.Equal(type, TsvEventReader.TypeOfRating(rating));

    [Fact]
    public void Written_ratings_read_back_as_the_same_type()
    {
        foreach (var type in Enum.GetValues<StorefrontEventType>())
        {
            Assert.Equal(type, TsvEventReader.TypeOfRating(TsvEventReader.RatingOfType(type)));
        }
    }

    [Fact]
    public void Reads_tab_and_space_separated_lines_and_skips_bad_ones()
    {
        var reader = new TsvEventReader();
        var events = reader.Read(
        [
            "# user item rating timestamp",
            "u1\ti1\t5\t1291191960",
            "",
            "u2  i2 3 1291191961.5",
            "u1\ti3\t1\t1291191962",
            "u3\ti4\t1",                       // three fields
            "u3\ti4\tfive\t1291191963",         // rating not a number
            "u3\ti4\t1\tyesterday",             // timestamp not a number
            new string('u', 129) + "\ti4\t1\t1", // id too long
            "..\ti4\t1\t1",                    // an id no path can carry
            "u3\ti4\t1\t-5",                    // before 1970
        ]).ToList();

        Assert.Equal(
        [
            new StorefrontEvent("u1", "i1", StorefrontEventType.Purchase, DateTimeOffset.FromUnixTimeSeconds(1291191960)),
            new StorefrontEvent("u2", "i2", StorefrontEventType.Cart, DateTimeOffset.FromUnixTimeMilliseconds(1291191961500)),
            new StorefrontEvent("u1", "i3", StorefrontEventType.View, DateTimeOffset.FromUnixTimeSeconds(1291191962)),
        ], events);
        Assert.Equal(9, reader.LinesRead);
        Assert.Equal(6, reader.Malformed);
        Assert.Equal(6, reader.FirstMalformedLine);
    }

    [Fact]
    public void Reads_movielens_formats_as_they_come()
    {
        var expected = new StorefrontEvent("1", "31", StorefrontEventType.Cart, DateTimeOffset.FromUnixTimeSeconds(1260759144));

        // ml-100k u.data, ml-1m ratings.dat, ml-latest ratings.csv with its header.
        Assert.Equal([expected], new TsvEventReader().Read(["1\t31\t3\t1260759144"]));
        Assert.Equal([expected], new TsvEventReader().Read(["1::31::3::1260759144"]));
        var csv = new TsvEventReader();
        Assert.Equal([expected], csv.Read(["userId,movieId,rating,timestamp", "1,31,3.0,1260759144"]));
        Assert.Equal(0, csv.Malformed);

        // Only a first line can be a header; later, the same line is malformed.
        var late = new TsvEventReader();
        Assert.Equal([expected], late.Read(["1,31,3.0,1260759144", "userId,movieId,rating,timestamp"]));
        Assert.Equal(2, late.FirstMalformedLine);
    }

    [Fact]
    public void Reads_gzip_and_plain_files_alike()
    {
        var directory = Directory.CreateTempSubdirectory("tsv-test-");
        try
        {
            const string content = "u1\ti1\t1\t100\nu2\ti2\t4\t200\n";
            var plain = Path.Combine(directory.FullName, "events.tsv");
            File.WriteAllText(plain, content);
            var gz = Path.Combine(directory.FullName, "events.tsv.gz");
            using (var gzip = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            using (var writer = new StreamWriter(gzip))
            {
                writer.Write(content);
            }

            var fromPlain = new TsvEventReader().ReadFile(plain).ToList();
            var fromGz = new TsvEventReader().ReadFile(gz).ToList();

            Assert.Equal(2, fromPlain.Count);
            Assert.Equal(fromPlain, fromGz);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
