using System.IO.Compression;
using System.Text;

namespace OrleansReco.Tools.Import;

/// <summary>Opens a text file for streaming, gunzipping it when it starts with the gzip magic bytes (whatever its name).</summary>
public static class InputFiles
{
    public static TextReader OpenText(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            var b1 = stream.ReadByte();
            var b2 = stream.ReadByte();
            stream.Position = 0;
            Stream content = b1 == 0x1f && b2 == 0x8b ? new GZipStream(stream, CompressionMode.Decompress) : stream;
            return new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public static IEnumerable<string> ReadLines(string path)
    {
        using var reader = OpenText(path);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
