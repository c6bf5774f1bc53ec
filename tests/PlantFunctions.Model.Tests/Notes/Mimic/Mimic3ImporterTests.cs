using PlantFunctions.Model.Notes.Mimic;

namespace PlantFunctions.Model.Tests.Notes.Mimic;

public sealed class Mimic3ImporterTests : IDisposable
{
    private const string NoteHeader =
        "\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"CHARTDATE\",\"CHARTTIME\",\"STORETIME\",\"CATEGORY\",\"DESCRIPTION\",\"CGID\",\"ISERROR\",\"TEXT\"\n";

    private const string CodeHeader = "\"ROW_ID\",\"SUBJECT_ID\",\"HADM_ID\",\"SEQ_NUM\",\"ICD9_CODE\"\n";

    // The addendum of 100001 comes first in the file with a lower ROW_ID but a later CHARTDATE; two addenda share a
    // date and are out of ROW_ID order; a nursing note and a discharge summary without HADM_ID must be left out.
    private const string NoteEvents = NoteHeader +
        "10,7,100001,2151-08-10,,,\"Discharge summary\",\"Addendum\",,,\"Addendum: patient \"\"stable\"\", discharged.\"\n" +
        "12,7,100001,2151-08-04,,,\"Discharge summary\",\"Report\",,,\"Admission Date:  [**2151-7-16**]\n" +
        "History: chest pain, \"\"crushing\"\", 2 days\n" +
        "Plan: home.\"\n" +
        "13,7,100001,2151-08-05,2151-08-05 10:00:00,2151-08-05 10:05:00,\"Nursing/other\",\"Report\",15,,\"Nursing note, not a discharge summary.\"\n" +
        "30,7,100001,2151-08-10,,,\"Discharge summary\",\"Addendum\",,,\"Second addendum.\"\n" +
        "20,7,100001,2151-08-10,,,\"Discharge summary\",\"Addendum\",,,\"First addendum of the day.\"\n" +
        "40,8,,2151-09-01,,,\"Discharge summary\",\"Report\",,,\"No admission id: skipped.\"\n" +
        "41,8,100002,2151-09-02,,,\"Discharge summary\",\"Report\",,,\"Note without codes.\"\n" +
        "42,9,100003,2151-10-01,,,\"Discharge summary\",\"Report\",,,\"Dev note.\"\n" +
        "43,10,100004,2151-11-01,,,\"Discharge summary\",\"Report\",,,\"Test note.\"\n" +
        "44,11,999999,2151-12-01,,,\"Discharge summary\",\"Report\",,,\"Not in any split.\"\n";

    private const string Diagnoses = CodeHeader +
        "1,7,100001,2,\"4280\"\n" +
        "2,7,100001,1,\"42731\"\n" +
        "3,7,100001,3,\"4280\"\n" +
        "4,9,100003,1,\"E9342\"\n" +
        "5,9,100003,2,\"V5861\"\n" +
        "6,9,100003,3,\"486\"\n" +
        "7,9,100003,,\n" +
        "8,10,100004,1,\"4019\"\n" +
        "9,11,999999,1,\"25000\"\n";

    private const string Procedures = CodeHeader +
        "1,7,100001,1,\"3893\"\n" +
        "2,9,100003,1,\"9604\"\n" +
        "3,10,100004,1,\"4019\"\n";

    private static readonly MimicSplit[] AllSplits = [MimicSplit.Train, MimicSplit.Dev, MimicSplit.Test];

    private readonly MimicTestFolder folder = new();

    private string DataDir => Path.Combine(folder.Root, "mimic3");

    private string SplitsDir => Path.Combine(folder.Root, "splits");

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_FullSplits_JoinsReportAndAddendaAndAttachesDottedCodes(bool gzipped)
    {
        string gz = gzipped ? ".gz" : "";
        WriteData(noteEvents: NoteEvents, noteEventsName: "NOTEEVENTS.csv" + gz, diagnosesName: "DIAGNOSES_ICD.csv" + gz);
        WriteSplits("full", train: "100001\n100002\n", dev: "100003\n", test: "100004\n100005\n");

        var corpus = Mimic3Importer.Read(DataDir, SplitsDir, AllSplits);

        var train = corpus[MimicSplit.Train];
        Assert.Equal(["100001", "100002"], train.Select(n => n.Id));
        Assert.Equal(
            "Admission Date:  [**2151-7-16**]\nHistory: chest pain, \"crushing\", 2 days\nPlan: home." +
            "\n\nAddendum: patient \"stable\", discharged.\n\nFirst addendum of the day.\n\nSecond addendum.",
            train[0].Text);
        Assert.Equal(["427.31", "428.0", "38.93"], train[0].Codes);
        Assert.Equal("12;10;20;30", train[0].Metadata!["note_ids"]);
        Assert.Equal("7", train[0].Metadata!["subject_id"]);
        Assert.Equal("MIMIC-III", train[0].Metadata!["dataset"]);
        Assert.Equal("Note without codes.", train[1].Text);
        Assert.Empty(train[1].Codes!);

        var dev = Assert.Single(corpus[MimicSplit.Dev]);
        Assert.Equal(("100003", "Dev note."), (dev.Id, dev.Text));
        Assert.Equal(["E934.2", "V58.61", "486", "96.04"], dev.Codes);

        var test = Assert.Single(corpus[MimicSplit.Test]);
        Assert.Equal(["401.9", "40.19"], test.Codes);
        Assert.Equal(["100005"], corpus.AdmissionsWithoutNote[MimicSplit.Test]);
        Assert.Empty(corpus.AdmissionsWithoutNote[MimicSplit.Train]);
        Assert.Null(corpus.Labels);
        Assert.Null(corpus.Descriptions);
    }

    [Fact]
    public void Read_OnlyTrain_ReturnsOnlyTrainAndNeedsOnlyItsList()
    {
        WriteData();
        folder.Write("splits/train_full_hadm_ids.csv", "100003\n");

        var corpus = Mimic3Importer.Read(DataDir, SplitsDir, [MimicSplit.Train]);

        Assert.Equal([MimicSplit.Train], corpus.Notes.Keys);
        Assert.Equal("Dev note.", Assert.Single(corpus[MimicSplit.Train]).Text);
        Assert.Throws<KeyNotFoundException>(() => corpus[MimicSplit.Test]);
    }

    [Fact]
    public void Read_DictionaryTables_GiveDescriptionsByDottedCode()
    {
        WriteData();
        WriteSplits("full", train: "100001\n", dev: "100003\n", test: "100004\n");
        folder.Write("mimic3/D_ICD_DIAGNOSES.csv.gz",
            "\"ROW_ID\",\"ICD9_CODE\",\"SHORT_TITLE\",\"LONG_TITLE\"\n1,\"4280\",\"CHF NOS\",\"Congestive heart failure, unspecified\"\n");
        folder.Write("mimic3/D_ICD_PROCEDURES.csv",
            "\"ROW_ID\",\"ICD9_CODE\",\"SHORT_TITLE\",\"LONG_TITLE\"\n1,\"3893\",\"Venous cath NEC\",\"Venous catheterization, not elsewhere classified\"\n");

        var corpus = Mimic3Importer.Read(DataDir, SplitsDir, AllSplits);

        Assert.Equal("Congestive heart failure, unspecified", corpus.Descriptions!.Describe("428.0"));
        Assert.Equal("Venous catheterization, not elsewhere classified", corpus.Descriptions.Describe("38.93"));
    }

    [Fact]
    public void Read_Top50Computed_KeepsTheFiftyCodesOfMostFullAdmissions()
    {
        // 52 codes: 100.0 on three admissions, 101.0-150.0 on two, 151.0 on one; ties go to the code that sorts first,
        // so 150.0 and 151.0 are not among the 50.
        var rows = new List<string>();
        foreach (long admission in new long[] { 200001, 200002 })
        {
            rows.AddRange(Enumerable.Range(0, 51).Select(i => $"{admission},{i + 1},\"{100 + i}0\""));
        }

        rows.Add("200003,1,\"1510\"");
        rows.Add("200003,2,\"1000\"");
        WriteData(noteEvents: NoteHeader + string.Concat(new[] { 200001, 200002, 200003 }.Select(a =>
                $"{a - 200000},1,{a},2150-01-01,,,\"Discharge summary\",\"Report\",,,\"Note {a}.\"\n")),
            diagnoses: "\"SUBJECT_ID\",\"HADM_ID\",\"SEQ_NUM\",\"ICD9_CODE\"\n" + string.Concat(rows.Select(r => "1," + r + "\n")),
            procedures: CodeHeader);
        WriteSplits("full", train: "200001\n", dev: "200002\n", test: "200003\n");
        WriteSplits("50", train: "200001\n", dev: "200002\n", test: "200003\n");

        var corpus = Mimic3Importer.Read(DataDir, SplitsDir, AllSplits, new Mimic3Options { Labels = Mimic3LabelSetting.Top50 });

        Assert.Equal(50, corpus.Labels!.Count);
        Assert.Equal("100.0", corpus.Labels[0]);
        Assert.Equal("149.0", corpus.Labels[^1]);
        var train = Assert.Single(corpus[MimicSplit.Train]);
        Assert.Equal(50, train.Codes!.Count);
        Assert.DoesNotContain("150.0", train.Codes);
        Assert.Equal(["100.0"], Assert.Single(corpus[MimicSplit.Test]).Codes);
    }

    [Fact]
    public void Read_Top50WithLabelList_KeepsOnlyTheListedCodesAndUsesThe50Lists()
    {
        WriteData();
        WriteSplits("50", train: "100001\n", dev: "100003\n", test: "100004\n");
        string list = folder.Write("TOP_50_CODES.csv", "428.0\n96.04\n\n401.9\n");

        var corpus = Mimic3Importer.Read(DataDir, SplitsDir, AllSplits,
            new Mimic3Options { Labels = Mimic3LabelSetting.Top50, LabelListFile = list });

        Assert.Equal(["428.0", "96.04", "401.9"], corpus.Labels);
        Assert.Equal(["428.0"], corpus[MimicSplit.Train][0].Codes);
        Assert.Equal(["96.04"], corpus[MimicSplit.Dev][0].Codes);
        Assert.Equal(["401.9"], corpus[MimicSplit.Test][0].Codes);
    }

    [Fact]
    public void Read_RowWithAMissingField_NamesFileLineAndColumn()
    {
        WriteData(noteEvents: NoteHeader +
            "12,7,100001,2151-08-04,,,\"Discharge summary\",\"Report\",,,\"line one\nline two\"\n" +
            "13,7,100001,2151-08-04,,,\"Discharge summary\",\"Report\",,\n");
        WriteSplits("full", train: "100001\n", dev: "100003\n", test: "100004\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.Equal($"{Path.Combine(DataDir, "NOTEEVENTS.csv")} line 4: 10 fields where the header has 11; no value for TEXT", ex.Message);
    }

    [Fact]
    public void Read_HeaderWithoutText_NamesTheMissingColumn()
    {
        WriteData(noteEvents: "ROW_ID,SUBJECT_ID,HADM_ID,CHARTDATE,CATEGORY\n1,2,100001,2151-01-01,Discharge summary\n");
        WriteSplits("full", train: "100001\n", dev: "100003\n", test: "100004\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.Equal($"{Path.Combine(DataDir, "NOTEEVENTS.csv")} line 1: missing column TEXT in header (found: ROW_ID, SUBJECT_ID, HADM_ID, CHARTDATE, CATEGORY)", ex.Message);
    }

    [Theory]
    [InlineData("12,7,10x,2151-08-04,,,\"Discharge summary\",\"Report\",,,\"text\"\n", "line 2: HADM_ID '10x' is not an admission id")]
    [InlineData("12,7,100001,2151-08-04,,,\"Discharge summary\",\"Report\",,,\"never closed\nmore\n", "line 2: a quoted field opened on line 2 is never closed")]
    [InlineData("12,7,100001,2151-08-04,,,\"Discharge summary\",\"Report\",,,\"a \"stray\" quote\"\n", "line 2: unexpected 's' after a closing quote (a quote inside a quoted field must be doubled)")]
    public void Read_MalformedNoteRow_NamesFileAndLine(string row, string expected)
    {
        WriteData(noteEvents: NoteHeader + row);
        WriteSplits("full", train: "100001\n", dev: "100003\n", test: "100004\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.Equal($"{Path.Combine(DataDir, "NOTEEVENTS.csv")} {expected}", ex.Message);
    }

    [Fact]
    public void Read_BadSequenceNumberInCodeTable_NamesFileAndLine()
    {
        WriteData(diagnoses: CodeHeader + "1,7,100001,1,\"4280\"\n2,7,100001,x,\"42731\"\n");
        WriteSplits("full", train: "100001\n", dev: "100003\n", test: "100004\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.Equal($"{Path.Combine(DataDir, "DIAGNOSES_ICD.csv")} line 3: SEQ_NUM 'x' is not a sequence number", ex.Message);
    }

    [Fact]
    public void Read_BadIdInSplitList_NamesFileAndLine()
    {
        WriteData();
        WriteSplits("full", train: "100001\nabc\n", dev: "100003\n", test: "100004\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.Equal($"{Path.Combine(SplitsDir, "train_full_hadm_ids.csv")} line 2: 'abc' is not an admission id; expected one HADM_ID per line", ex.Message);
    }

    [Fact]
    public void Read_AdmissionInTwoSplits_IsRefused()
    {
        WriteData();
        WriteSplits("full", train: "100001\n", dev: "100003\n100001\n", test: "100004\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.Equal(
            $"{Path.Combine(SplitsDir, "dev_full_hadm_ids.csv")} line 2: admission 100001 is listed again (first at {Path.Combine(SplitsDir, "train_full_hadm_ids.csv")} line 1, train split)",
            ex.Message);
    }

    [Fact]
    public void Read_GzNameOnPlainText_SaysTheFileCannotBeDecompressed()
    {
        WriteData();
        File.Delete(Path.Combine(DataDir, "NOTEEVENTS.csv"));
        string fake = Path.Combine(DataDir, "NOTEEVENTS.csv.gz");
        File.WriteAllText(fake, NoteEvents);
        WriteSplits("full", train: "100001\n", dev: "100003\n", test: "100004\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.StartsWith($"{fake}: the file cannot be decompressed (", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingTable_NamesTheFolderAndBothNames()
    {
        WriteData();
        File.Delete(Path.Combine(DataDir, "PROCEDURES_ICD.csv"));
        WriteSplits("full", train: "100001\n", dev: "100003\n", test: "100004\n");

        var ex = Assert.Throws<FileNotFoundException>(() => Mimic3Importer.Read(DataDir, SplitsDir, AllSplits));

        Assert.Equal($"MIMIC-III: neither PROCEDURES_ICD.csv nor PROCEDURES_ICD.csv.gz is in '{DataDir}'", ex.Message);
    }

    private void WriteData(
        string noteEvents = NoteEvents, string diagnoses = Diagnoses, string procedures = Procedures,
        string noteEventsName = "NOTEEVENTS.csv", string diagnosesName = "DIAGNOSES_ICD.csv")
    {
        folder.Write(Path.Combine("mimic3", noteEventsName), noteEvents);
        folder.Write(Path.Combine("mimic3", diagnosesName), diagnoses);
        folder.Write(Path.Combine("mimic3", "PROCEDURES_ICD.csv"), procedures);
    }

    private void WriteSplits(string setting, string train, string dev, string test)
    {
        folder.Write($"splits/train_{setting}_hadm_ids.csv", train);
        folder.Write($"splits/dev_{setting}_hadm_ids.csv", dev);
        folder.Write($"splits/test_{setting}_hadm_ids.csv", test);
    }
}
