using System.Text.Json;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Model.Coding;
using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Pipeline.Tests.Batches;

/// <summary>The result record of a coded note: what the coder said, assertions included, in the records' compact JSON.</summary>
public sealed class ShardFilesRecordTests
{
    [Fact]
    public void Coded_EvidenceWithAssertions_RecordCarriesThemAndLeavesAffirmedWordsCompact()
    {
        var coded = new CodedNote("n1", [new CodePrediction("R31.9", "Hematuria, unspecified", 0.97f,
            [new EvidenceToken("hematuria", 31, 9, 0.6f, "negated"), new EvidenceToken("urine", 60, 5, 0.2f)], 0.75f)]);

        var record = ShardFiles.Coded(new ShardInputRecord("n1", "b1/notes.jsonl:1"), coded, "v1");
        string json = JsonSerializer.Serialize(record, PlantJson.Options);

        var code = Assert.Single(record.Codes!);
        Assert.Equal(0.75f, code.NonAffirmedShare);
        Assert.Equal(["negated", null], code.Evidence.Select(e => e.Assertion));
        Assert.Contains("""{"text":"hematuria","start":31,"length":9,"weight":0.6,"assertion":"negated"},{"text":"urine","start":60,"length":5,"weight":0.2}],"nonAffirmedShare":0.75}""",
            json, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultRecord_WrittenBeforeAssertions_StillReads()
    {
        const string old = """{"id":"n1","source":"b1/notes.jsonl:1","modelVersion":"v1","codes":[{"code":"N45.3","probability":0.91,"evidence":[{"text":"orchitis","start":4,"length":8,"weight":0.74}]}]}""";

        var record = JsonSerializer.Deserialize<ResultRecord>(old, PlantJson.Options)!;

        var code = Assert.Single(record.Codes!);
        Assert.Null(code.NonAffirmedShare);
        Assert.Null(Assert.Single(code.Evidence).Assertion);
        Assert.Equal(old, JsonSerializer.Serialize(record, PlantJson.Options));
    }
}
