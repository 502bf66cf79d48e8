using System.Text;

namespace ContrastiveCrop.Detection.Masks;

/// <summary>
/// The COCO API's compressed RLE text: each count as a LEB128-like variable-length integer with
/// 5 data bits per character (offset by 48), and counts after the third stored as the difference
/// from the count two places earlier.
/// </summary>
public static class RleString
{
    /// <summary>The compressed text of <paramref name="rle"/>.</summary>
    public static string Encode(Rle rle)
    {
        var s = new StringBuilder();
        var counts = rle.Counts;
        for (int i = 0; i < counts.Length; i++)
        {
            long x = counts[i];
            // The COCO API uses i > 2 (not i ≥ 2); kept so strings round-trip with it.
            if (i > 2) x -= counts[i - 2];
            bool more = true;
            while (more)
            {
                int c = (int)(x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                s.Append((char)(c + 48));
            }
        }
        return s.ToString();
    }

    /// <summary>Decodes compressed text into an RLE of the given size.</summary>
    /// <exception cref="FormatException">The text is not a valid compressed RLE.</exception>
    public static Rle Decode(string text, int height, int width)
    {
        var counts = new List<uint>();
        int p = 0;
        while (p < text.Length)
        {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                if (p >= text.Length) throw new FormatException("compressed RLE ends in the middle of a count");
                int c = text[p] - 48;
                if (c is < 0 or > 63) throw new FormatException($"compressed RLE has an invalid character '{text[p]}' at position {p}");
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++; k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k);
            }
            if (counts.Count > 2) x += counts[^2];
            if (x < 0 || x > uint.MaxValue) throw new FormatException($"compressed RLE decodes to an invalid count {x}");
            counts.Add((uint)x);
        }
        try
        {
            return new Rle(height, width, [.. counts]);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
    }
}
