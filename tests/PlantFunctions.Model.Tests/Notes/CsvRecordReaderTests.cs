using System.Text;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Tests.Notes;

public sealed class CsvRecordReaderTests
{
    [Fact]
    public void ReadRecords_RecordOverTheLimitFullOfCommas_KeepsNoFieldsPastTheLimit_AndTheNextRecordIsRead()
    {
        string csv = "id,text\nn1," + new string(',', 200_000) + "\nn2,ok\n";

        var records = CsvRecordReader.ReadRecords(new MemoryStream(Encoding.UTF8.GetBytes(csv)), maxRecordBytes: 1_000).ToList();

        Assert.Equal(3, records.Count);
        Assert.StartsWith("record is longer than 1,000 bytes", records[1].Problem, StringComparison.Ordinal);
        Assert.InRange(records[1].Fields.Count, 1, 1_001);
        Assert.Equal(["n2", "ok"], records[2].Fields.Select(f => Encoding.UTF8.GetString(f)));
    }
}
