using Microsoft.Data.Sqlite;

namespace HoMM.Tests.Shared;

/// <summary>Page-level damage as a failing disk or a stray write leaves it: one table's root page overwritten with noise.</summary>
internal static class DamagedDatabase
{
    /// <summary>
    /// Overwrites the root page of <paramref name="table"/> in the SQLite file at <paramref name="path"/>
    /// (its header and schema stay readable). Every connection of this process to it must be closed first:
    /// the pools are cleared here so the WAL is checkpointed into the file before the damage.
    /// </summary>
    public static void ScrambleTable(string path, string table)
    {
        SqliteConnection.ClearAllPools();
        long rootPage;
        long pageSize;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = $name";
            command.Parameters.AddWithValue("$name", table);
            rootPage = (long)command.ExecuteScalar()!;
            command.CommandText = "PRAGMA page_size";
            pageSize = (long)command.ExecuteScalar()!;
        }
        SqliteConnection.ClearAllPools();
        var noise = new byte[pageSize];
        new Random(14).NextBytes(noise);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Seek((rootPage - 1) * pageSize, SeekOrigin.Begin);
        file.Write(noise);
    }
}
