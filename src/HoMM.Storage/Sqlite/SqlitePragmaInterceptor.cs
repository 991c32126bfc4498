using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace HoMM.Storage.Sqlite;

/// <summary>
/// busy_timeout and synchronous are per connection (journal_mode=WAL is stored in the file), so
/// each opened connection gets them before its first statement. busy_timeout makes SQLite itself
/// wait for a writer's lock instead of returning "database is locked".
/// </summary>
/// <remarks>One command per statement: Microsoft.Data.Sqlite was seen to end a multi-statement
/// command silently, without running the rest, when a later statement stayed busy past its timeout.</remarks>
internal sealed class SqlitePragmaInterceptor(IReadOnlyList<string> pragmas) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        foreach (var pragma in pragmas)
        {
            using var command = connection.CreateCommand();
            command.CommandText = pragma;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        foreach (var pragma in pragmas)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = pragma;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
