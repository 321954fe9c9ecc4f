namespace MmSim.Scenario;

/// <summary>
/// Scenario names become folder names (<c>out/NAME-seedN</c>, <c>out/compare-NAME</c>), so they are plain
/// identifiers: letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, without <c>..</c>. A name like <c>../../x</c>
/// would otherwise put results outside the output folder.
/// </summary>
public static class ScenarioName
{
    /// <summary>Longest name accepted: folder names built from it stay far below the file system's 255 bytes.</summary>
    public const int LengthMax = 100;

    /// <summary>What a valid name looks like, for messages.</summary>
    public const string Form = "letters, digits, '_', '.' and '-' (no '..', at most 100 characters)";

    /// <summary>Whether <paramref name="name"/> is a plain identifier.</summary>
    /// <param name="name">The name.</param>
    /// <returns>True when it can be used as a folder name as is.</returns>
    public static bool IsPlain(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > LengthMax || name.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsPlainChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A plain name made from a file name (the default when the scenario has no <c>name:</c>): every other character
    /// becomes <c>_</c>, and so does the second dot of each <c>..</c>.
    /// </summary>
    /// <param name="fileName">The file name without extension.</param>
    /// <returns>A name for which <see cref="IsPlain"/> holds.</returns>
    public static string FromFileName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (IsPlain(fileName))
        {
            return fileName;
        }

        var chars = new char[Math.Clamp(fileName.Length, 1, LengthMax)];
        for (int i = 0; i < chars.Length; i++)
        {
            char c = i < fileName.Length ? fileName[i] : '_';
            chars[i] = IsPlainChar(c) && !(c == '.' && i > 0 && chars[i - 1] == '.') ? c : '_';
        }

        return new string(chars);
    }

    private static bool IsPlainChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '-';
}
