namespace HoMM.ImageData.Transforms;

/// <summary>
/// The region of an image, in the pixel coordinates of the image as stored in its file, that a
/// transform maps onto its output square. Fractional bounds are allowed: a center crop of a
/// resized image is a fractional box of the original.
/// </summary>
public readonly record struct SourceBox(double X, double Y, double Width, double Height)
{
    /// <summary>The same region in an image scaled by (<paramref name="sx"/>, <paramref name="sy"/>) (a decode that shrank on load).</summary>
    public SourceBox Scale(double sx, double sy) => new(X * sx, Y * sy, Width * sx, Height * sy);
}
