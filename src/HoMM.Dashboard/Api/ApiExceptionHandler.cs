using HoMM.Storage;
using HoMM.Storage.Sqlite;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace HoMM.Dashboard.Api;

/// <summary>
/// Failures a client should read as problem details rather than a bare status: a request whose
/// body cannot be read (malformed JSON: 400 saying why, not an empty 400), and a read that meets a
/// damaged page of the database (503 with what is wrong and how to recover, not a 500: the
/// dashboard cannot fix it, and every page would fail the same way).
/// </summary>
internal sealed class ApiExceptionHandler(ITrialStore store, IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string title;
        string detail;
        if (exception is BadHttpRequestException bad)
        {
            status = bad.StatusCode;
            title = "Bad Request";
            detail = bad.InnerException is System.Text.Json.JsonException json
                ? $"the request body is not valid JSON: {json.Message}"
                : bad.Message;
        }
        else if (StoreDamagedException.IsDamage(exception))
        {
            status = StatusCodes.Status503ServiceUnavailable;
            title = "The database is damaged";
            detail = (exception as StoreDamagedException
                ?? new StoreDamagedException(store is SqliteTrialStore sqlite ? sqlite.Path : "the database", exception.Message, exception)).Message;
        }
        else
        {
            return false;
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
