using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Dashboard.Tests;

/// <summary>Who may act, and what the file routes refuse.</summary>
public class SecurityTests
{
    private static string Study => TestDashboard.StudyName;

    private static IEnumerable<(string Path, object Body)> Actions(SeededStudy s) =>
    [
        ($"/api/studies/{Study}/trials/{s.RunningTrial}/stop", new { reason = "test" }),
        ($"/api/studies/{Study}/pause", new { paused = true }),
        ($"/api/studies/{Study}/trials", new { @params = new { lr = 0.001, order = 2, act = "gelu" } }),
    ];

    private static async Task AssertStoreUnchanged(TestDashboard d)
    {
        Assert.Empty(await d.Store.GetStudyAttrsAsync(d.Study.Record.Id, AttrScope.System));
        var running = d.Study.Trials.Single(t => t.Number == d.Study.RunningTrial);
        Assert.False((await d.Store.GetTrialAttrsAsync(running.Id, AttrScope.System)).ContainsKey("control/stop"));
        Assert.Equal(d.Study.Trials.Count, (await d.Store.GetTrialsAsync(d.Study.Record.Id)).Trials.Count);
    }

    [Fact]
    public async Task Actions_BoundToEveryInterfaceWithoutToken_Forbidden()
    {
        await using var d = await TestDashboard.StartAsync(host: "0.0.0.0");

        foreach (var (path, body) in Actions(d.Study))
        {
            var response = await d.Client.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("without a token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await AssertStoreUnchanged(d);
        // Reading stays possible: the dashboard is read-only there.
        Assert.Equal(HttpStatusCode.OK, (await d.Client.GetAsync(new Uri("/api/studies", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Api_TokenSetButMissingOrWrong_Unauthorized()
    {
        await using var d = await TestDashboard.StartAsync(host: "0.0.0.0", token: "s3cret-token");

        foreach (var (path, body) in Actions(d.Study))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await d.Client.PostAsJsonAsync(path, body)).StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokeN");
            Assert.Equal(HttpStatusCode.Unauthorized, (await d.Client.SendAsync(wrong)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await d.Client.GetAsync(new Uri("/api/studies", UriKind.Relative))).StatusCode);
        await AssertStoreUnchanged(d);
    }

    [Fact]
    public async Task Api_TokenGiven_ReadsAndActsWithBearerOrTheCookieTheLinkSets()
    {
        await using var d = await TestDashboard.StartAsync(host: "0.0.0.0", token: "s3cret-token");
        using var bearer = new HttpRequestMessage(HttpMethod.Post, $"/api/studies/{Study}/pause") { Content = JsonContent.Create(new { paused = true }) };
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");

        Assert.Equal(HttpStatusCode.OK, (await d.Client.SendAsync(bearer)).StatusCode);
        Assert.Equal(JsonValueKind.True, (await d.Store.GetStudyAttrsAsync(d.Study.Record.Id, AttrScope.System))["control/paused"].ValueKind);

        // The printed link: ?token=… sets an HttpOnly cookie and redirects to the clean address.
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = d.Address };
        var opened = await browser.GetAsync(new Uri($"/studies/{Study}?token=s3cret-token", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.Equal($"/studies/{Study}", opened.Headers.Location!.OriginalString);
        Assert.Contains("httponly", string.Join(";", opened.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/studies", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Actions_LoopbackWithoutToken_StopPauseAndEnqueueReachTheStore()
    {
        await using var d = await TestDashboard.StartAsync();
        var running = d.Study.Trials.Single(t => t.Number == d.Study.RunningTrial);

        Assert.Equal(HttpStatusCode.OK, (await d.Client.PostAsJsonAsync($"/api/studies/{Study}/trials/{d.Study.RunningTrial}/stop", new { reason = "looks diverged" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await d.Client.PostAsJsonAsync($"/api/studies/{Study}/pause", new { paused = true })).StatusCode);
        var enqueued = await d.Client.PostAsJsonAsync($"/api/studies/{Study}/trials", new { @params = new { lr = 0.001, order = 2, act = "relu", dropout = 0.25 } });

        Assert.Equal("cancelled by the dashboard (127.0.0.1): looks diverged", (await d.Store.GetTrialAttrsAsync(running.Id, AttrScope.System))["control/stop"].GetString());
        Assert.Equal(JsonValueKind.True, (await d.Store.GetStudyAttrsAsync(d.Study.Record.Id, AttrScope.System))["control/paused"].ValueKind);
        Assert.Equal(HttpStatusCode.Created, enqueued.StatusCode);
        var number = (await enqueued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trial").GetInt32();
        var trial = await d.Store.GetTrialByNumberAsync(d.Study.Record.Id, number);
        Assert.Equal(TrialState.Waiting, trial!.State);
        Assert.Equal(2L, trial.Params["order"]);
        Assert.Equal("relu", trial.Params["act"]);
        Assert.Equal(0.25, trial.Params["dropout"]);
    }

    [Fact]
    public async Task Enqueue_ParametersOutsideTheSpace_BadRequestPerParameterAndNothingCreated()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);

        var response = await d.Client.PostAsJsonAsync($"/api/studies/{Study}/trials", new { @params = new { lr = 5.0, order = 2.5, act = "gelu", dropout = 0.1, lrr = 1 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("not in", errors.GetProperty("lr")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("whole number", errors.GetProperty("order")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("it applies only when act is 'relu'", errors.GetProperty("dropout")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("did you mean 'lr'", errors.GetProperty("lrr")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(4, (await d.Store.GetTrialsAsync(d.Study.Record.Id)).Trials.Count);
    }

    [Fact]
    public async Task Stop_FinishedTrial_ConflictThatSaysItsState()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);

        var response = await d.Client.PostAsJsonAsync($"/api/studies/{Study}/trials/{d.Study.CompleteTrial}/stop", new { reason = "x" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already complete", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actions_FromAnotherOrigin_Forbidden()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/studies/{Study}/pause") { Content = JsonContent.Create(new { paused = true }) };
        request.Headers.Add("Origin", "http://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, (await d.Client.SendAsync(request)).StatusCode);
        Assert.Empty(await d.Store.GetStudyAttrsAsync(d.Study.Record.Id, AttrScope.System));
    }

    [Fact]
    public async Task Loopback_ForeignHostHeader_Forbidden()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        request.Headers.Host = "rebind.attacker.example";

        Assert.Equal(HttpStatusCode.Forbidden, (await d.Client.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("..%2F..%2Fsecret.txt")]
    [InlineData("%2E%2E/%2E%2E/secret.txt")]
    [InlineData("..%5C..%5Csecret.txt")]
    [InlineData("%2Ftmp%2Fsecret.txt")]
    [InlineData("escape/secret.txt")]
    [InlineData("sub/../../../secret.txt")]
    public async Task Files_PathLeavingTheTrialFolder_Refused(string path)
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var secret = Path.Combine(d.Folder, "secret.txt");
        await File.WriteAllTextAsync(secret, "TOP-SECRET");
        // A link inside the trial's folder pointing out of it.
        Directory.CreateSymbolicLink(Path.Combine(d.Study.TrialDir, "escape"), d.Folder);

        // Raw HTTP: HttpClient would normalise "..", a browser or curl --path-as-is need not.
        var (status, body) = await RawGet(d.Address, $"/api/studies/{Study}/trials/{d.Study.RunningTrial}/files/{path}");

        Assert.True(status is 400 or 404, $"{path}: {status} {body}");
        Assert.DoesNotContain("TOP-SECRET", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_FileInTheTrialFolder_ServedAsPlainTextOrDownload()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);

        var log = await d.Client.GetAsync(new Uri($"/api/studies/{Study}/trials/{d.Study.RunningTrial}/files/trainer.log", UriKind.Relative));
        var checkpoint = await d.Client.GetAsync(new Uri($"/api/studies/{Study}/trials/{d.Study.RunningTrial}/files/checkpoint.pt", UriKind.Relative));

        Assert.Equal("text/plain", log.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("step 10: loss 1.0000", await log.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("application/octet-stream", checkpoint.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", checkpoint.Content.Headers.ContentDisposition!.DispositionType);
    }

    [Fact]
    public async Task Log_TrainerLogReplacedByALinkOutside_RefusedWithANote()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        var secret = Path.Combine(d.Folder, "secret.txt");
        await File.WriteAllTextAsync(secret, "TOP-SECRET");
        var log = Path.Combine(d.Study.TrialDir, "trainer.log");
        File.Delete(log);
        File.CreateSymbolicLink(log, secret);

        var tail = await d.Client.GetStringAsync(new Uri($"/api/studies/{Study}/trials/{d.Study.RunningTrial}/log", UriKind.Relative));
        var (status, body) = await RawGet(d.Address, $"/api/studies/{Study}/trials/{d.Study.RunningTrial}/files/trainer.log");

        Assert.DoesNotContain("TOP-SECRET", tail, StringComparison.Ordinal);
        Assert.Contains("outside the trial's folder", tail, StringComparison.Ordinal);
        Assert.Equal(400, status);
        Assert.DoesNotContain("TOP-SECRET", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrialFolder_ReplacedByALink_NothingListedOrServed()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        // The trainer swaps its folder for a link to a folder holding other secrets (e.g. the database's).
        var elsewhere = Directory.CreateDirectory(Path.Combine(d.Folder, "elsewhere")).FullName;
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "trainer.log"), "TOP-SECRET log");
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "homm.db"), "TOP-SECRET db");
        Directory.Delete(d.Study.TrialDir, recursive: true);
        Directory.CreateSymbolicLink(d.Study.TrialDir, elsewhere);
        var trial = $"/api/studies/{Study}/trials/{d.Study.RunningTrial}";

        var detail = await d.Client.GetStringAsync(new Uri(trial, UriKind.Relative));
        var tail = await d.Client.GetStringAsync(new Uri(trial + "/log", UriKind.Relative));
        var (status, body) = await RawGet(d.Address, trial + "/files/homm.db");

        Assert.DoesNotContain("homm.db", JsonDocument.Parse(detail).RootElement.GetProperty("files").ToString(), StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(detail).RootElement.GetProperty("files").GetArrayLength());
        Assert.DoesNotContain("TOP-SECRET", tail, StringComparison.Ordinal);
        Assert.Contains("is a link", tail, StringComparison.Ordinal);
        Assert.Equal(400, status);
        Assert.DoesNotContain("TOP-SECRET", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_Fifo_RefusedWithoutBlocking()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(d.Study.TrialDir, "pipe.log")))
            await mkfifo.WaitForExitAsync();

        var (status, body) = await RawGet(d.Address, $"/api/studies/{Study}/trials/{d.Study.RunningTrial}/files/pipe.log").WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(400, status);
        Assert.Contains("FIFO", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_MalformedJsonBody_BadRequestWithProblemDetails()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        using var content = new StringContent("{\"params\": {\"lr\": 0.01,", Encoding.UTF8, "application/json");

        var response = await d.Client.PostAsync(new Uri($"/api/studies/{Study}/trials", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_DamagedDatabasePage_ServiceUnavailableWithHowToRecover()
    {
        await using var d = await TestDashboard.StartAsync(trials: 4);
        HoMM.Tests.Shared.DamagedDatabase.ScrambleTable(d.Store.Path, "trials");

        var response = await d.Client.GetAsync(new Uri($"/api/studies/{Study}/trials/{d.Study.CompleteTrial}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("is damaged", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(".recover", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<(int Status, string Body)> RawGet(Uri address, string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
