namespace ContrastiveCrop.Tests.Detection;

/// <summary>Small detection data sets written in the exact VOCdevkit and COCO file formats.</summary>
internal static class DetectionFiles
{
    /// <summary>One VOC object line set: name, box (1-based inclusive), difficult flag.</summary>
    public sealed record VocBox(string Name, int XMin, int YMin, int XMax, int YMax, bool Difficult = false);

    /// <summary>Writes VOC&lt;year&gt;/{Annotations, ImageSets/Main, JPEGImages} under a new devkit folder.</summary>
    public static string WriteVocDevkit(string year, string split, IReadOnlyDictionary<string, VocBox[]> images)
    {
        var root = TestFolders.NewTemp("vocdevkit");
        var voc = Path.Combine(root, "VOC" + year);
        Directory.CreateDirectory(Path.Combine(voc, "Annotations"));
        Directory.CreateDirectory(Path.Combine(voc, "ImageSets", "Main"));
        Directory.CreateDirectory(Path.Combine(voc, "JPEGImages"));
        foreach (var (id, boxes) in images)
            File.WriteAllText(Path.Combine(voc, "Annotations", id + ".xml"), VocXml(id, boxes));
        File.WriteAllLines(Path.Combine(voc, "ImageSets", "Main", split + ".txt"), images.Keys);
        return root;
    }

    /// <summary>An annotation file laid out as the VOC2007 ones are.</summary>
    public static string VocXml(string id, IEnumerable<VocBox> boxes) =>
        $"""
        <annotation>
        	<folder>VOC2007</folder>
        	<filename>{id}.jpg</filename>
        	<source>
        		<database>The VOC2007 Database</database>
        	</source>
        	<size>
        		<width>100</width>
        		<height>80</height>
        		<depth>3</depth>
        	</size>
        	<segmented>0</segmented>
        {string.Concat(boxes.Select(b => $"""
        	<object>
        		<name>{b.Name}</name>
        		<pose>Unspecified</pose>
        		<truncated>0</truncated>
        		<difficult>{(b.Difficult ? 1 : 0)}</difficult>
        		<bndbox>
        			<xmin>{b.XMin}</xmin>
        			<ymin>{b.YMin}</ymin>
        			<xmax>{b.XMax}</xmax>
        			<ymax>{b.YMax}</ymax>
        		</bndbox>
        	</object>

        """))}</annotation>
        """;

    /// <summary>
    /// A COCO instances file with two images and two categories: a polygon object, an object with an
    /// uncompressed RLE crowd region, and one with a compressed RLE ("0:5H"-style counts).
    /// </summary>
    public const string CocoInstances = """
        {
          "info": {"description": "generated"},
          "images": [
            {"id": 1, "width": 60, "height": 40, "file_name": "a.jpg"},
            {"id": 2, "width": 60, "height": 40, "file_name": "b.jpg"}
          ],
          "categories": [
            {"id": 1, "name": "square", "supercategory": "shape"},
            {"id": 3, "name": "bar", "supercategory": "shape"}
          ],
          "annotations": [
            {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 0,
             "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]},
            {"id": 11, "image_id": 1, "category_id": 3, "bbox": [40, 0, 10, 40], "area": 400, "iscrowd": 1,
             "segmentation": {"size": [40, 60], "counts": [1600, 400, 400]}},
            {"id": 12, "image_id": 2, "category_id": 3, "bbox": [0, 0, 2, 40], "area": 80, "iscrowd": 0,
             "segmentation": {"size": [40, 60], "counts": "0`2`X2"}}
          ]
        }
        """;
}
