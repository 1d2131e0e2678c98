using Xunit;
using OrleansReco.Grains.Interfaces;
using OrleansReco.Grains.Model;
using OrleansReco.Grains.Storage;

namespace OrleansReco.UnitTests;

public sealed class ContentTests
{
    [Fact]
    public void Terms_are_the_title_words_in_lower_case_and_the_category_and_tags_one_term_each()
    {
        var terms = ContentText.Terms("White HANGING heart T-light holder, 6 x", "Home Decor", ["Gift", " red  wine "]);

        Assert.Equal(["white", "hanging", "heart", "light", "holder", "c:home_decor", "t:gift", "t:red_wine"], terms);
        Assert.Equal(terms, ContentText.Split(ContentText.Join(terms)));
    }

    [Fact]
    public void An_item_without_text_has_no_terms()
    {
        Assert.Null(ContentText.Join(ContentText.Terms(null, " ", [])));
        Assert.Empty(ContentText.Split(null));
    }

    [Fact]
    public void Similarity_is_the_cosine_of_sublinear_tf_and_smoothed_idf_vectors()
    {
        var index = new ContentIndex();
        index.Set("a", ["red", "mug"]);
        index.Set("b", ["red", "lamp"]);
        index.Set("c", ["blue", "mug"]);
        index.Set("d", ["green", "chair"]);

        var similar = index.Similar(["red", "mug"], 10, id => id != "a");

        // N = 4; df(red) = df(mug) = 2, df(lamp) = df(blue) = 1: idf = ln(5/3) + 1 and ln(5/2) + 1.
        var common = Math.Log(5.0 / 3) + 1;
        var rare = Math.Log(5.0 / 2) + 1;
        var expected = common * common / (Math.Sqrt(2) * common * Math.Sqrt(common * common + rare * rare));
        Assert.Equal(["b", "c"], similar.Select(s => s.ItemId)); // equal scores: by id; d shares no term
        Assert.All(similar, s => Assert.Equal(expected, s.Similarity, 12));
    }

    [Fact]
    public void Repeated_terms_count_sublinearly_and_an_identical_text_scores_one()
    {
        var index = new ContentIndex();
        index.Set("twin", ["red", "mug"]);
        index.Set("loud", ["red", "red", "red", "mug"]);
        index.Set("other", ["tea"]);

        var similar = index.Similar(["red", "mug"], 10, _ => true);

        Assert.Equal("twin", similar[0].ItemId);
        Assert.Equal(1, similar[0].Similarity, 12);
        var red = Math.Log(4.0 / 3) + 1;
        var loud = (red * red * (1 + Math.Log(3)) + red * red) / (Math.Sqrt(2) * red * Math.Sqrt(Math.Pow(red * (1 + Math.Log(3)), 2) + red * red));
        Assert.Equal(loud, similar[1].Similarity, 12);
    }

    [Fact]
    public void Setting_an_items_terms_replaces_them_and_no_terms_removes_it()
    {
        var index = new ContentIndex();
        index.Set("a", ["red", "mug"]);
        index.Set("b", ["red", "lamp"]);

        index.Set("b", ["blue", "lamp"]);
        Assert.Empty(index.Similar(["red"], 10, id => id != "a"));

        index.Set("a", []);
        Assert.Equal(1, index.Count);
        Assert.Equal(["b"], index.Similar(["lamp", "red"], 10, _ => true).Select(s => s.ItemId));
    }

    [Fact]
    public void The_query_keeps_the_best_count_items_that_are_eligible()
    {
        var index = new ContentIndex();
        index.Set("near", ["red", "mug", "large"]);
        index.Set("nearer", ["red", "mug"]);
        index.Set("far", ["red", "lamp", "large", "heavy"]);
        index.Set("hidden", ["red", "mug"]);

        var similar = index.Similar(["red", "mug"], 2, id => id != "hidden");

        Assert.Equal(["nearer", "near"], similar.Select(s => s.ItemId));
    }

    [Fact]
    public void A_new_item_ranks_first_once_matches_are_weighted_by_their_content_share()
    {
        var index = new ContentIndex();
        index.Set("sold-a", ["red", "mug", "tall"]);
        index.Set("sold-b", ["red", "mug", "tall", "set"]);
        index.Set("new", ["red", "mug", "spotty"]);
        var occurrence = new Dictionary<string, int> { ["sold-a"] = 40, ["sold-b"] = 12, ["new"] = 0 };

        var scores = index.Scores(["red", "mug", "tall"], _ => true);

        Assert.Equal(["sold-a", "sold-b"], ContentIndex.Top(scores, 2, s => s.Similarity).Select(s => s.ItemId));
        Assert.Equal(["new", "sold-b"], ContentIndex.Top(scores, 2, s => s.Similarity * ContentBlend.Weight(occurrence[s.ItemId], 5)).Select(s => s.ItemId));
    }

    [Theory]
    [InlineData(0, 5, 1)]
    [InlineData(5, 5, 0.5)]
    [InlineData(45, 5, 0.1)]
    [InlineData(3, 0, 0)]
    public void The_content_share_falls_as_occurrence_grows(int occurrence, double support, double expected)
    {
        Assert.Equal(expected, ContentBlend.Weight(occurrence, support), 12);
    }

    [Fact]
    public void Blending_mixes_co_occurrence_and_content_by_the_weight()
    {
        List<SimilarItem> coOccurrence = [new("both", 0.4, 7, "x"), new("counted", 0.3, 4, null)];
        List<SimilarItem> content = [new("text", 0.8, 0, "y", 0.8), new("both", 0.5, 0, "x", 0.5)];

        var blended = ContentBlend.Blend(coOccurrence, content, contentWeight: 0.25, size: 10);

        Assert.Equal(["both", "counted", "text"], blended.Select(n => n.ItemId));
        Assert.Equal(0.75 * 0.4 + 0.25 * 0.5, blended[0].Similarity, 12);
        Assert.Equal((7, 0.5), (blended[0].Support, blended[0].Content));
        Assert.Equal((0.75 * 0.3, 0.0), (blended[1].Similarity, blended[1].Content));
        Assert.Equal((0.25 * 0.8, 0, 0.8, "y"), (blended[2].Similarity, blended[2].Support, blended[2].Content, blended[2].Category));
    }

    [Fact]
    public void Without_co_occurrence_the_neighbourhood_is_the_content_and_with_weight_zero_the_counts_alone()
    {
        List<SimilarItem> coOccurrence = [new("counted", 0.3, 4, null)];
        List<SimilarItem> content = [new("b", 0.6, 0, null, 0.6), new("a", 0.8, 0, null, 0.8), new("c", 0.1, 0, null, 0.1)];

        Assert.Equal(["a", "b"], ContentBlend.Blend([], content, 1, size: 2).Select(n => n.ItemId));
        Assert.Equal(0.8, ContentBlend.Blend([], content, 1, size: 2)[0].Similarity, 12);
        Assert.Equal(coOccurrence, ContentBlend.Blend(coOccurrence, content, 0, size: 10));
    }

    [Fact]
    public void A_candidate_listed_for_its_content_is_ranked_by_the_content_weight_and_named_after_its_history_item()
    {
        List<ScoredItem> neighbourhood = [new("counted", 2.0, "mug")];
        List<ScoredItem> content = [new("new-mug", 0.6, "mug"), new("counted", 0.3, "cup")];

        var ranked = HybridScoring.Rank(neighbourhood, [], [], new BlendWeights(1, 0, 0, Content: 2), content: content);

        Assert.Equal(["counted", "new-mug"], ranked.Select(h => h.ItemId));
        Assert.Equal((1 + 2 * 0.5, ScoreSource.Neighbourhood, "mug"), (ranked[0].Score, ranked[0].Source, ranked[0].Because));
        Assert.Equal((2.0, ScoreSource.Content, "mug"), (ranked[1].Score, ranked[1].Source, ranked[1].Because));
        Assert.Equal(["counted"], HybridScoring.Rank(neighbourhood, [], [], new BlendWeights(1, 0, 0), content: content)
            .Where(h => h.Score > 0).Select(h => h.ItemId));
    }

    [Fact]
    public void The_content_part_is_scaled_to_the_shoppers_best_score_from_the_other_parts()
    {
        List<ScoredItem> neighbourhood = [new("counted", 2.0, "mug")];
        List<ScoredItem> content = [new("new-mug", 0.6, "mug"), new("counted", 0.3, "cup")];

        var ranked = HybridScoring.Rank(neighbourhood, [], [], new BlendWeights(4, 0, 0, Content: 0.5), content: content);

        // The best other score is 4 (the neighbourhood's, scaled to 1, times 4): a perfect content match earns half of it.
        Assert.Equal((4 + 0.5 * 0.5 * 4, 0.5 * 1 * 4), (ranked.Single(h => h.ItemId == "counted").Score, ranked.Single(h => h.ItemId == "new-mug").Score));
        Assert.Equal(["counted", "new-mug"], ranked.Select(h => h.ItemId));
    }

    [Fact]
    public void Index_stats_keep_their_terms_in_storage_and_rows_written_before_terms_read_without_them()
    {
        var stats = new ItemStats("mug", 12, 3, -1.5, 40, "kitchen", Available: false, Terms: "red mug c:kitchen");
        Assert.Equal(stats, RoundTrip(stats));
        Assert.Equal(stats with { Terms = null }, RoundTrip(stats with { Terms = null }));

        // The layout before terms: the last byte was the availability as a boolean.
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt64(12);
            writer.Write7BitEncodedInt(3);
            writer.Write(-1.5);
            writer.Write(false);
            writer.Write(false);
            writer.Write(true);
        }
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);
        Assert.Equal(new ItemStats("mug", 12, 3, -1.5, null, null, Available: true), EntryCodecs.IndexStats.ReadValue(reader, "mug"));
    }

    private static ItemStats RoundTrip(ItemStats stats)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            EntryCodecs.IndexStats.WriteValue(writer, stats);
        }
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);
        return EntryCodecs.IndexStats.ReadValue(reader, stats.ItemId);
    }
}
