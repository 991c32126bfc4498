using System.Text.Json;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Tests.Figures;

public class FigureJsonTests
{
    private static JsonElement Parse(Figure figure) => JsonDocument.Parse(FigureJson.Serialize(figure)).RootElement;

    [Fact]
    public void Serialize_ScatterGlOnLogAxis_WritesPlotlyNames()
    {
        var figure = new Figure(
            [new ScatterGl
            {
                X = new[] { 1e-4, 1e-3 },
                Y = new[] { 0.5, 0.25 },
                Mode = ScatterModes.Markers,
                HoverTemplate = "trial %{text}<extra></extra>",
                ShowLegend = false,
                Line = new Line { Shape = LineShape.Hv },
            }],
            new Layout { XAxis = new Axis { Type = AxisType.Log, Title = new Title("lr") }, ShowLegend = true, PlotBackground = "#fff" });

        var json = Parse(figure);

        var trace = json.GetProperty("data")[0];
        Assert.Equal("scattergl", trace.GetProperty("type").GetString());
        Assert.Equal("markers", trace.GetProperty("mode").GetString());
        Assert.False(trace.GetProperty("showlegend").GetBoolean());
        Assert.Equal("hv", trace.GetProperty("line").GetProperty("shape").GetString());
        Assert.Equal("trial %{text}<extra></extra>", trace.GetProperty("hovertemplate").GetString());
        var layout = json.GetProperty("layout");
        Assert.Equal("log", layout.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("lr", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("#fff", layout.GetProperty("plot_bgcolor").GetString());
        Assert.True(layout.GetProperty("showlegend").GetBoolean());
    }

    [Fact]
    public void Serialize_NullProperties_AreLeftOut()
    {
        var json = Parse(new Figure([new Scatter { X = new[] { 1.0 } }], new Layout()));

        var trace = json.GetProperty("data")[0];
        Assert.Equal(["type", "x"], trace.EnumerateObject().Select(p => p.Name));
        Assert.Empty(json.GetProperty("layout").EnumerateObject());
    }

    [Fact]
    public void Serialize_NonFiniteNumbers_BecomeNullGaps()
    {
        var json = Parse(new Figure([new Scatter { Y = new[] { 1.0, double.NaN, double.PositiveInfinity, 2.5 } }], new Layout()));

        var y = json.GetProperty("data")[0].GetProperty("y");
        Assert.Equal(JsonValueKind.Null, y[1].ValueKind);
        Assert.Equal(JsonValueKind.Null, y[2].ValueKind);
        Assert.Equal(2.5, y[3].GetDouble());
    }

    [Theory]
    [InlineData(0.123456789, "0.1234568")]
    [InlineData(1.5e-5, "1.5E-05")]
    [InlineData(42.0, "42")]
    [InlineData(-3.0, "-3")]
    [InlineData(123456789.0, "123456789")]
    public void Serialize_Numbers_AreCompactAndValidJson(double value, string expected)
    {
        var text = FigureJson.Serialize(new Figure([new Scatter { Y = new[] { value } }], new Layout()));

        Assert.Contains($"\"y\":[{expected}]", text, StringComparison.Ordinal);
        var parsed = JsonDocument.Parse(text).RootElement.GetProperty("data")[0].GetProperty("y")[0].GetDouble();
        Assert.Equal(value, parsed, Math.Abs(value) * 1e-6);
    }

    [Fact]
    public void Serialize_SubplotAxes_AreWrittenBesideXAxis()
    {
        var layout = new Layout
        {
            XAxis = new Axis { Domain = [0, 0.45] },
            MoreAxes = new Dictionary<string, Axis>
            {
                ["xaxis2"] = new() { Domain = [0.55, 1], Type = AxisType.Category },
                ["yaxis2"] = new() { Anchor = "x2", Matches = "y" },
            },
        };

        var json = Parse(new Figure([new Scatter { XAxisId = "x2", YAxisId = "y2" }], layout));

        var l = json.GetProperty("layout");
        Assert.Equal("category", l.GetProperty("xaxis2").GetProperty("type").GetString());
        Assert.Equal("x2", l.GetProperty("yaxis2").GetProperty("anchor").GetString());
        Assert.Equal("y", l.GetProperty("yaxis2").GetProperty("matches").GetString());
        Assert.Equal("x2", json.GetProperty("data")[0].GetProperty("xaxis").GetString());
    }

    [Theory]
    [InlineData("xaxis")]
    [InlineData("xaxis0")]
    [InlineData("zaxis2")]
    [InlineData("xaxis2a")]
    public void Layout_InvalidSubplotAxisName_Throws(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Layout { MoreAxes = new Dictionary<string, Axis> { [name] = new() } });
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_ColorAsNumbersOrCss_WritesArrayOrString()
    {
        var figure = new Figure(
            [
                new Scatter { Marker = new Marker { Color = new[] { 1.0, 2.0 }, ColorScale = "Viridis" } },
                new Scatter { Marker = new Marker { Color = "#d62728" } },
            ],
            new Layout());

        var data = Parse(figure).GetProperty("data");

        Assert.Equal(JsonValueKind.Array, data[0].GetProperty("marker").GetProperty("color").ValueKind);
        Assert.Equal("Viridis", data[0].GetProperty("marker").GetProperty("colorscale").GetString());
        Assert.Equal("#d62728", data[1].GetProperty("marker").GetProperty("color").GetString());
    }

    [Fact]
    public void Serialize_OtherTraceTypes_WriteTheirTypeAndAttributes()
    {
        var figure = new Figure(
            [
                new Bar { X = new[] { 0.7 }, Y = new string?[] { "lr" }, Orientation = Orientation.H, TextPosition = "outside" },
                new ParCoords
                {
                    Dimensions = [new ParCoordsDimension { Label = "order", Values = new[] { 0.0, 1.0 }, TickVals = new[] { 0.0, 1.0 }, TickText = new string?[] { "1", "2" } }],
                    Line = new ParCoordsLine { Color = new[] { 0.1, 0.2 }, ReverseScale = true },
                },
                new Contour { Z = [[1.0, double.NaN], [2.0, 3.0]], Contours = new ContourLines { Coloring = "heatmap" } },
                new Heatmap { Z = [[1.0]] },
            ],
            new Layout());

        var data = Parse(figure).GetProperty("data");

        Assert.Equal(["bar", "parcoords", "contour", "heatmap"], data.EnumerateArray().Select(t => t.GetProperty("type").GetString()));
        Assert.Equal("h", data[0].GetProperty("orientation").GetString());
        Assert.Equal("textposition", data[0].EnumerateObject().Last().Name);
        var dim = data[1].GetProperty("dimensions")[0];
        Assert.Equal("order", dim.GetProperty("label").GetString());
        Assert.Equal("2", dim.GetProperty("ticktext")[1].GetString());
        Assert.True(data[1].GetProperty("line").GetProperty("reversescale").GetBoolean());
        Assert.Equal(JsonValueKind.Null, data[2].GetProperty("z")[0][1].ValueKind);
        Assert.Equal("heatmap", data[2].GetProperty("contours").GetProperty("coloring").GetString());
    }

    [Fact]
    public void Serialize_TextWithScriptTag_IsEscapedForHtml()
    {
        var text = FigureJson.Serialize(new Figure([new Scatter { Name = "</script><b>" }], new Layout()));

        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
        Assert.Equal("</script><b>", JsonDocument.Parse(text).RootElement.GetProperty("data")[0].GetProperty("name").GetString());
    }
}
