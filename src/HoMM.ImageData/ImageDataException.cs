namespace HoMM.ImageData;

/// <summary>An image folder is missing, malformed or too damaged to train on; the message names the folder, the rule and what to do.</summary>
public sealed class ImageDataException : Exception
{
    public ImageDataException(string message)
        : base(message)
    {
    }

    public ImageDataException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
