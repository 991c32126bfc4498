namespace HoMM.ImageData.Decoding;

/// <summary>The formats an image folder may hold; a file's format is read from its first bytes, not its name.</summary>
public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
}

/// <summary>A file's size and format as its header states them.</summary>
public readonly record struct ImageHeader(int Width, int Height, ImageFormat Format);

/// <summary>An image that cannot be decoded: the message says why (libjpeg-turbo's or libpng's words).</summary>
public sealed class CorruptImageException(string message) : Exception(message);
