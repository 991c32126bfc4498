using System.Text.Json;
using HoMM.Cli.Common;
using HoMM.Cli.Tests.Common;
using HoMM.Storage;
using HoMM.Storage.Sqlite;

namespace HoMM.Cli.Tests.Export;

/// <summary>A trial's notes (<see cref="TrialNotes"/>) in what export and trials write.</summary>
public sealed class TrialNotesOutputTests : SeededStoreTest
{
    private const string Note = "attempt 1: the trainer reported step 10 of val/acc after step 20 (…)";

    private async Task AddNotesToRunningTrialAsync(params string[] notes)
    {
        using var store = await SqliteTrialStore.OpenAsync(Db.DbPath);
        var study = (await store.GetStudyAsync("fmnist"))!;
        var running = (await store.GetTrialsAsync(study.Id)).Trials.Single(t => t.Number == 4);
        foreach (var note in notes)
            Assert.True(await TrialNotes.AddAsync(store, running.Id, note));
    }

    [Fact]
    public async Task ExportCsv_TrialWithNotes_NotesColumnAfterTheFixedOnes()
    {
        await AddNotesToRunningTrialAsync("=a note a spreadsheet would run", Note);

        var (exit, output, error) = await SeededStore.RunAsync("export", "fmnist", "--format", "csv", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        var records = CsvText.Parse(output).Records.Select(r => r.Fields).ToList();
        var column = records[0].IndexOf("notes");
        Assert.Equal(records[0].IndexOf("slot") + 1, column);
        // One note a line; the cell neutralised as a whole (OWASP), as every text field.
        Assert.Equal("'=a note a spreadsheet would run\n" + Note, records[5][column]);
        Assert.Equal("", records[1][column]);
    }

    [Fact]
    public async Task ExportCsv_NoTrialHasNotes_NoNotesColumn()
    {
        var (_, output, _) = await SeededStore.RunAsync("export", "fmnist", "--format", "csv", "--db", Db.DbPath);

        Assert.DoesNotContain("notes", CsvText.Parse(output).Records[0].Fields);
    }

    [Fact]
    public async Task TrialsJson_TrialWithNotes_NotesArrayOnEveryTrial()
    {
        await AddNotesToRunningTrialAsync(Note);

        var (exit, output, error) = await SeededStore.RunAsync("trials", "fmnist", "--json", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var trials = doc.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal([Note], trials.Single(t => t.GetProperty("number").GetInt32() == 4).GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        Assert.Empty(trials[0].GetProperty("notes").EnumerateArray());
    }

    [Fact]
    public async Task TrialsTable_TrialWithNotes_NoteLinesBelowTheTable()
    {
        await AddNotesToRunningTrialAsync(Note);

        var (exit, output, error) = await SeededStore.RunAsync("trials", "fmnist", "--db", Db.DbPath);

        Assert.True(exit == 0, error);
        Assert.EndsWith($"note: trial 4: {Note}", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_PastTheLimit_LastNoteSaysMoreWereLeftOut()
    {
        await AddNotesToRunningTrialAsync([.. Enumerable.Range(1, TrialNotes.MaxNotes - 1).Select(i => $"note {i}")]);
        using var store = await SqliteTrialStore.OpenAsync(Db.DbPath);
        var study = (await store.GetStudyAsync("fmnist"))!;
        var running = (await store.GetTrialsAsync(study.Id)).Trials.Single(t => t.Number == 4);

        Assert.True(await TrialNotes.AddAsync(store, running.Id, "one more"));
        Assert.False(await TrialNotes.AddAsync(store, running.Id, "and another"));

        var notes = TrialNotes.Read(await store.GetTrialAttrsAsync(running.Id, AttrScope.System));
        Assert.Equal(TrialNotes.MaxNotes, notes.Count);
        Assert.Equal("note 19", notes[^2]);
        Assert.Equal(TrialNotes.MoreLeftOut, notes[^1]);
    }
}
