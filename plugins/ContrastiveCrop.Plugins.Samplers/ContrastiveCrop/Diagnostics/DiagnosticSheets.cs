using ContrastiveCrop.Sdk.Checkpoints;
using SkiaSharp;

namespace ContrastiveCrop.Plugins.Samplers.Diagnostics;

/// <summary>
/// What only ContrastiveCrop's diagnostic sheets need on top of the shared sheet drawing
/// (<see cref="ContrastiveCrop.Imaging.Sheets.SheetDrawing"/>, which the host's crop preview uses too): the box colours
/// and the atomic PNG write (the SDK's, which the Imaging library does not reference).
/// </summary>
internal static class DiagnosticSheets
{
    /// <summary>Learned boxes.</summary>
    public static readonly SKColor Learned = new(255, 40, 40);
    /// <summary>True object boxes.</summary>
    public static readonly SKColor Truth = new(40, 255, 80);

    /// <summary>Encodes the sheet as PNG and writes it atomically.</summary>
    public static void SavePng(SKSurface surface, string path)
    {
        var png = ContrastiveCrop.Imaging.Sheets.SheetDrawing.EncodePng(surface);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
