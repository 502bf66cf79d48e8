using System.Globalization;
using System.Text;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Imaging.Localization;

namespace ContrastiveCrop.Plugins.Samplers.Diagnostics;

/// <summary>Every image's box after an update as CSV (and its true box and IoU when known), for plots outside the platform.</summary>
internal static class BoxTable
{
    /// <summary>Writes the table atomically.</summary>
    public static void Write(string path, IReadOnlyList<NormalizedBox> boxes, IReadOnlyList<NormalizedBox>? truth)
    {
        var text = new StringBuilder(truth is null ? "index,h0,w0,h1,w1\n" : "index,h0,w0,h1,w1,true_h0,true_w0,true_h1,true_w1,iou\n");
        for (int i = 0; i < boxes.Count; i++)
        {
            var b = boxes[i];
            text.Append(CultureInfo.InvariantCulture, $"{i},{b.H0:G6},{b.W0:G6},{b.H1:G6},{b.W1:G6}");
            if (truth is not null)
            {
                var t = truth[i];
                text.Append(CultureInfo.InvariantCulture, $",{t.H0:G6},{t.W0:G6},{t.H1:G6},{t.W1:G6},{BoxOverlap.IoU(b, t):G6}");
            }
            text.Append('\n');
        }
        AtomicFile.Write(path, text.ToString());
    }
}
