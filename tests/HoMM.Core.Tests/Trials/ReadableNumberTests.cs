using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Trials;

public class ReadableNumberTests
{
    [Theory]
    [InlineData(0.008584212345678901, "0.0085842")]
    [InlineData(0.91234567, "0.91235")]
    [InlineData(0.5, "0.5")]
    [InlineData(123.456789, "123.46")]
    [InlineData(9.999996, "10")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.000015, "1.5e-5")]
    [InlineData(-0.00001234567, "-1.2346e-5")]
    [InlineData(23456789.5, "2.3457e+7")]
    [InlineData(1234567.0, "1234567")]
    [InlineData(-3.0, "-3")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Format_Double_FiveSignificantDigitsWithoutTrailingZeros(double value, string expected) =>
        Assert.Equal(expected, ReadableNumber.Format(value));

    [Fact]
    public void Format_NonNumbers_AsParamFormatterWritesThem()
    {
        Assert.Equal("silu", ReadableNumber.Format((object)"silu"));
        Assert.Equal("true", ReadableNumber.Format((object)true));
        Assert.Equal("64", ReadableNumber.Format((object)64L));
        Assert.Equal("0.0085842", ReadableNumber.Format((object)0.008584212345678901));
        Assert.Equal("", ReadableNumber.Format((object?)null));
    }
}
