namespace Handoff.Analysis.Input;

/// <summary>What kind of input a file is, decided by its name.</summary>
public enum SourceKind
{
    /// <summary>YAML or JSON Kubernetes manifests.</summary>
    Manifest,

    /// <summary>A Dockerfile (Dockerfile, Dockerfile.*, *.Dockerfile).</summary>
    Dockerfile,
}

/// <summary>One input read into memory.</summary>
/// <param name="Path">The path as the user gave it (or found under a directory they gave); "-" for standard input.</param>
/// <param name="Text">The whole text.</param>
/// <param name="Kind">Manifest or Dockerfile.</param>
/// <param name="Preamble">A byte order mark that preceded the text ("" when none); kept so that a rewrite keeps it.</param>
public sealed record SourceFile(string Path, string Text, SourceKind Kind, string Preamble = "")
{
    /// <summary>The name used in messages: "&lt;stdin&gt;" for standard input, else the path.</summary>
    public string DisplayName => Path == "-" ? "<stdin>" : Path;
}
