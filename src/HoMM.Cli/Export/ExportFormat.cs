namespace HoMM.Cli.Export;

/// <summary>The formats <c>export --format</c> writes.</summary>
public enum ExportFormat
{
    /// <summary>One row per trial, RFC 4180 quoting, one <c>params.&lt;name&gt;</c> column per parameter.</summary>
    Csv,

    /// <summary>One document: the study and an array of trials with their parameters as JSON values.</summary>
    Json,
}
