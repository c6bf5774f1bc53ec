using PlantFunctions.Model.Notes.Mimic;

namespace PlantFunctions.Model.Tests.Notes.Mimic;

public sealed class Mimic4ImporterTests : IDisposable
{
    // 200001's second note comes first in the file (note_seq 22 before 21), and a third repeats the addendum's text.
    private const string Discharge =
        "note_id,subject_id,hadm_id,note_type,note_seq,charttime,storetime,text\n" +
        "1-DS-22,1,200001,DS,22,2180-01-05 00:00:00,2180-01-05 12:00:00,\"Addendum text.\"\n" +
        "1-DS-21,1,200001,DS,21,2180-01-04 00:00:00,2180-01-04 12:00:00,\"Name:  ___\n" +
        "Chief Complaint: \"\"dyspnea\"\", edema\n" +
        "Discharge: home\"\n" +
        "1-DS-23,1,200001,DS,23,2180-01-06 00:00:00,2180-01-06 12:00:00,\"Addendum text.\"\n" +
        "2-DS-5,2,200002,DS,5,2180-02-01 00:00:00,2180-02-01 12:00:00,\"Val note.\"\n" +
        "3-DS-9,3,200003,DS,9,2180-03-01 00:00:00,2180-03-01 12:00:00,\"Test note.\"\n" +
        "4-DS-1,4,,DS,1,2180-04-01 00:00:00,2180-04-01 12:00:00,\"No admission id: skipped.\"\n";

    private const string Diagnoses =
        "subject_id,hadm_id,seq_num,icd_code,icd_version\n" +
        "1,200001,2,I509,10\n" +
        "1,200001,1,I10,10\n" +
        "1,200001,3,4019,9\n" +
        "2,200002,1,I10,10\n" +
        "2,200002,2,E119,10\n" +
        "3,200003,1,I10,10\n";

    private const string Procedures =
        "subject_id,hadm_id,seq_num,chartdate,icd_code,icd_version\n" +
        "1,200001,1,2180-01-02,02HV33Z,10\n" +
        "1,200001,2,2180-01-02,3893,9\n" +
        "3,200003,1,2180-03-01,02HV33Z,10\n";

    private const string Splits = "_id,split\n200001,train\n200002,val\n200003,test\n200004,test\n";

    private static readonly MimicSplit[] AllSplits = [MimicSplit.Train, MimicSplit.Dev, MimicSplit.Test];

    private readonly MimicTestFolder folder = new();

    private string DataDir => Path.Combine(folder.Root, "mimic4");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Read_Icd10_JoinsNotesInSequenceOrderAndAttachesDottedCodes()
    {
        string splits = WriteData();

        var corpus = Mimic4Importer.Read(DataDir, splits, AllSplits, new Mimic4Options { MinCodeCount = 1 });

        var train = Assert.Single(corpus[MimicSplit.Train]);
        Assert.Equal("200001", train.Id);
        Assert.Equal("Name:  ___\nChief Complaint: \"dyspnea\", edema\nDischarge: home\n\nAddendum text.", train.Text);
        Assert.Equal(["I10", "I50.9", "02HV33Z"], train.Codes);
        Assert.Equal("1-DS-21;1-DS-22", train.Metadata!["note_ids"]);
        Assert.Equal("MIMIC-IV", train.Metadata!["dataset"]);
        var dev = Assert.Single(corpus[MimicSplit.Dev]);
        Assert.Equal(("200002", "Val note."), (dev.Id, dev.Text));
        Assert.Equal(["I10", "E11.9"], dev.Codes);
        Assert.Equal(["I10", "02HV33Z"], Assert.Single(corpus[MimicSplit.Test]).Codes);
        Assert.Equal(["200004"], corpus.AdmissionsWithoutNote[MimicSplit.Test]);
        Assert.Null(corpus.Labels);
    }

    [Fact]
    public void Read_Icd9_KeepsOnlyVersion9Codes()
    {
        string splits = WriteData();

        var corpus = Mimic4Importer.Read(DataDir, splits, AllSplits, new Mimic4Options { IcdVersion = 9, MinCodeCount = 1 });

        Assert.Equal(["401.9", "38.93"], corpus[MimicSplit.Train][0].Codes);
        Assert.Empty(corpus[MimicSplit.Dev][0].Codes!);
    }

    [Fact]
    public void Read_MinCodeCount_DropsCodesOfTooFewAdmissionsAcrossAllSplits()
    {
        string splits = WriteData();

        var corpus = Mimic4Importer.Read(DataDir, splits, [MimicSplit.Train, MimicSplit.Dev], new Mimic4Options { MinCodeCount = 2 });

        Assert.Equal(["02HV33Z", "I10"], corpus.Labels);
        Assert.Equal(["I10", "02HV33Z"], corpus[MimicSplit.Train][0].Codes);
        Assert.Equal(["I10"], corpus[MimicSplit.Dev][0].Codes);
        Assert.False(corpus.Notes.ContainsKey(MimicSplit.Test));
    }

    [Fact]
    public void Read_PandasExportWithIndexAndHadmIdColumn_AndSeparateNoteFolder()
    {
        folder.Write("mimic4/hosp/diagnoses_icd.csv.gz", Diagnoses);
        folder.Write("mimic4/hosp/procedures_icd.csv.gz", Procedures);
        folder.Write("mimic-iv-note/note/discharge.csv", Discharge);
        folder.Write("mimic4/hosp/d_icd_diagnoses.csv", "icd_code,icd_version,long_title\n4019,9,Unspecified essential hypertension\nI509,10,\"Heart failure, unspecified\"\n");
        folder.Write("mimic4/hosp/d_icd_procedures.csv", "icd_code,icd_version,long_title\n02HV33Z,10,Insertion of infusion device into superior vena cava\n");
        string splits = folder.Write("split.csv", ",hadm_id,split\n0,200001.0,train\n1,200002.0,val\n");

        var corpus = Mimic4Importer.Read(DataDir, splits, [MimicSplit.Train, MimicSplit.Dev],
            new Mimic4Options { MinCodeCount = 1, NotesFolder = Path.Combine(folder.Root, "mimic-iv-note", "note") });

        Assert.Equal("200001", corpus[MimicSplit.Train][0].Id);
        Assert.Equal("200002", corpus[MimicSplit.Dev][0].Id);
        Assert.Equal("Heart failure, unspecified", corpus.Descriptions!.Describe("I50.9"));
        Assert.Null(corpus.Descriptions.Describe("401.9"));
    }

    [Fact]
    public void Read_UnknownSplitName_NamesFileAndLine()
    {
        string splits = WriteData("_id,split\n200001,train\n200002,validation\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic4Importer.Read(DataDir, splits, AllSplits));

        Assert.Equal($"{splits} line 3: split 'validation' is not train, val or test", ex.Message);
    }

    [Fact]
    public void Read_SplitFileWithoutIdColumn_NamesTheAcceptedColumns()
    {
        string splits = WriteData("id,split\n200001,train\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic4Importer.Read(DataDir, splits, AllSplits));

        Assert.Equal($"{splits} line 1: missing column _id or hadm_id in header (found: id, split)", ex.Message);
    }

    [Fact]
    public void Read_DischargeRowWithMissingField_NamesFileLineAndColumn()
    {
        string splits = WriteData(discharge: "note_id,subject_id,hadm_id,note_type,note_seq,charttime,storetime,text\n" +
                                             "1-DS-21,1,200001,DS,21,2180-01-04 00:00:00,\"multi\nline\"\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic4Importer.Read(DataDir, splits, AllSplits));

        Assert.Equal($"{Path.Combine(DataDir, "note", "discharge.csv.gz")} line 2: 7 fields where the header has 8; no value for text", ex.Message);
    }

    [Fact]
    public void Read_MissingCodeColumn_NamesFileAndColumn()
    {
        string splits = WriteData(diagnoses: "subject_id,hadm_id,seq_num,icd_code\n1,200001,1,I10\n");

        var ex = Assert.Throws<InvalidDataException>(() => Mimic4Importer.Read(DataDir, splits, AllSplits));

        Assert.Equal($"{Path.Combine(DataDir, "hosp", "diagnoses_icd.csv")} line 1: missing column icd_version in header (found: subject_id, hadm_id, seq_num, icd_code)", ex.Message);
    }

    private string WriteData(string splits = Splits, string discharge = Discharge, string diagnoses = Diagnoses)
    {
        folder.Write("mimic4/note/discharge.csv.gz", discharge);
        folder.Write("mimic4/hosp/diagnoses_icd.csv", diagnoses);
        folder.Write("mimic4/hosp/procedures_icd.csv.gz", Procedures);
        return folder.Write("mimiciv_icd10_split.csv", splits);
    }
}
