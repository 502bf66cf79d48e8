using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace ContrastiveCrop.Detection.Formats;

/// <summary>
/// A VOCdevkit folder: VOC&lt;year&gt;/Annotations/&lt;id&gt;.xml, VOC&lt;year&gt;/ImageSets/Main/&lt;split&gt;.txt and
/// VOC&lt;year&gt;/JPEGImages/&lt;id&gt;.jpg.
/// </summary>
public sealed class VocDevkit
{
    /// <summary>The twenty PASCAL VOC classes in the devkit's order.</summary>
    public static readonly IReadOnlyList<string> StandardClasses =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>Opens a devkit folder (the one holding VOC2007, VOC2012, …).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public VocDevkit(string root)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"VOCdevkit folder '{Path.GetFullPath(root)}' does not exist.");
        Root = Path.GetFullPath(root);
    }

    /// <summary>The devkit folder.</summary>
    public string Root { get; }

    /// <summary>The folder of one year, e.g. VOCdevkit/VOC2007.</summary>
    public string YearFolder(string year) => Path.Combine(Root, "VOC" + year);

    /// <summary>Path of an image.</summary>
    public string ImagePath(string year, string imageId) => Path.Combine(YearFolder(year), "JPEGImages", imageId + ".jpg");

    /// <summary>Path of an annotation file.</summary>
    public string AnnotationPath(string year, string imageId) => Path.Combine(YearFolder(year), "Annotations", imageId + ".xml");

    /// <summary>Image ids of a split (ImageSets/Main/&lt;split&gt;.txt), one per line, blank lines skipped.</summary>
    public IReadOnlyList<string> ReadSplit(string year, string split)
    {
        var path = Path.Combine(YearFolder(year), "ImageSets", "Main", split + ".txt");
        if (!File.Exists(path))
            throw new DetectionFormatException(path, "split", $"the split file does not exist; expected VOC{year}/ImageSets/Main/{split}.txt under {Root}");
        return [.. File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])];
    }

    /// <summary>Reads and checks one annotation file.</summary>
    public VocAnnotation ReadAnnotation(string year, string imageId) => ReadAnnotationFile(AnnotationPath(year, imageId), imageId);

    /// <summary>
    /// Reads one VOC annotation XML. name and bndbox (xmin, ymin, xmax, ymax) are required for
    /// every object; difficult, truncated and pose default to 0, 0 and none when absent.
    /// </summary>
    public static VocAnnotation ReadAnnotationFile(string path, string imageId)
    {
        if (!File.Exists(path)) throw new DetectionFormatException(path, "annotation", $"the annotation file of image '{imageId}' does not exist");
        XDocument document;
        try
        {
            document = XDocument.Load(path, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new DetectionFormatException(path, $"line {e.LineNumber}", "not well-formed XML: " + e.Message, e);
        }
        var root = document.Root!;
        if (root.Name.LocalName != "annotation")
            throw new DetectionFormatException(path, root.Name.LocalName, "the root element must be <annotation>");
        var size = root.Element("size");
        int width = size is null ? 0 : (int)Number(path, size, "width", "annotation/size/width", integer: true);
        int height = size is null ? 0 : (int)Number(path, size, "height", "annotation/size/height", integer: true);
        var objects = new List<VocObject>();
        int index = 0;
        foreach (var obj in root.Elements("object"))
        {
            string where = $"annotation/object[{index}]";
            var name = obj.Element("name")?.Value.Trim();
            if (string.IsNullOrEmpty(name)) throw new DetectionFormatException(path, Where(where + "/name", obj), "missing or empty <name>");
            var box = obj.Element("bndbox") ?? throw new DetectionFormatException(path, Where(where + "/bndbox", obj), $"object '{name}' has no <bndbox>");
            double xmin = Number(path, box, "xmin", where + "/bndbox/xmin", false), ymin = Number(path, box, "ymin", where + "/bndbox/ymin", false);
            double xmax = Number(path, box, "xmax", where + "/bndbox/xmax", false), ymax = Number(path, box, "ymax", where + "/bndbox/ymax", false);
            if (xmax < xmin || ymax < ymin)
                throw new DetectionFormatException(path, Where(where + "/bndbox", box), $"object '{name}' has xmax < xmin or ymax < ymin ({xmin}, {ymin}, {xmax}, {ymax})");
            bool difficult = Flag(path, obj, "difficult", where + "/difficult");
            bool truncated = Flag(path, obj, "truncated", where + "/truncated");
            objects.Add(new VocObject(name, xmin, ymin, xmax, ymax, difficult, truncated, obj.Element("pose")?.Value.Trim()));
            index++;
        }
        var fileName = root.Element("filename")?.Value.Trim() ?? imageId + ".jpg";
        return new VocAnnotation(imageId, fileName, width, height, objects);
    }

    private static double Number(string path, XElement parent, string child, string where, bool integer)
    {
        var element = parent.Element(child) ?? throw new DetectionFormatException(path, Where(where, parent), $"missing <{child}>");
        var text = element.Value.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || (integer && value != Math.Floor(value)))
            throw new DetectionFormatException(path, Where(where, element), $"'{text}' is not {(integer ? "an integer" : "a number")}");
        return value;
    }

    private static bool Flag(string path, XElement obj, string child, string where)
    {
        var element = obj.Element(child);
        if (element is null) return false;
        return element.Value.Trim() switch
        {
            "0" => false,
            "1" => true,
            var other => throw new DetectionFormatException(path, Where(where, element), $"'{other}' must be 0 or 1"),
        };
    }

    private static string Where(string element, XObject node) =>
        node is IXmlLineInfo info && info.HasLineInfo() ? $"{element} (line {info.LineNumber})" : element;
}
