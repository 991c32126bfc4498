using System.Globalization;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Trials;

public class ParamFormatterTests
{
    // Expected texts are what CPython 3 prints for repr(x).
    [Theory]
    [InlineData(0.001, "0.001")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e-4, "0.0001")]
    [InlineData(3e-4, "0.0003")]
    [InlineData(2.5, "2.5")]
    [InlineData(3.0, "3.0")]
    [InlineData(-3.0, "-3.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e20, "1e+20")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(-2.5e-300, "-2.5e-300")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void FormatDouble_Value_IsPythonRepr(double value, string expected)
    {
        Assert.Equal(expected, ParamFormatter.Format(value));
        if (double.IsFinite(value))
            Assert.Equal(value, double.Parse(expected, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void FormatDouble_RandomValues_ReadBackExactly()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
                continue;
            var text = ParamFormatter.FormatDouble(value);
            Assert.Equal(value, double.Parse(text, CultureInfo.InvariantCulture));
            Assert.DoesNotContain('E', text);
        }
    }

    [Fact]
    public void Format_OtherTypes_AreInvariantAndUnquoted()
    {
        Assert.Equal("4", ParamFormatter.Format(4));
        Assert.Equal("-9000000000", ParamFormatter.Format(-9_000_000_000L));
        Assert.Equal("true", ParamFormatter.Format(true));
        Assert.Equal("a b'c", ParamFormatter.Format("a b'c"));
        Assert.Equal("2.5", ParamFormatter.Format(2.5f));
        using var doc = System.Text.Json.JsonDocument.Parse("""{"i":8,"d":0.001,"s":"adamw","e":1e-5}""");
        Assert.Equal("8", ParamFormatter.Format(doc.RootElement.GetProperty("i")));
        Assert.Equal("0.001", ParamFormatter.Format(doc.RootElement.GetProperty("d")));
        Assert.Equal("adamw", ParamFormatter.Format(doc.RootElement.GetProperty("s")));
        Assert.Equal("1e-05", ParamFormatter.Format(doc.RootElement.GetProperty("e")));
    }
}
