using Handoff.Analysis.Input;

namespace Handoff.Analysis.Dockerfiles;

/// <summary>One Dockerfile instruction, with continuation lines joined and heredoc bodies kept aside.</summary>
/// <param name="Keyword">The instruction in upper case ("FROM", "CMD").</param>
/// <param name="Arguments">Everything after the keyword, continuation lines joined with a space, flags included.</param>
/// <param name="Line">1-based line of the keyword.</param>
/// <param name="Column">1-based column of the keyword.</param>
/// <param name="ExecForm">The JSON array of the exec form ("CMD [\"node\", \"app.js\"]"), or null for the shell form.</param>
/// <param name="Heredocs">Bodies of heredocs ("RUN &lt;&lt;EOF"), in order.</param>
public sealed record DockerInstruction(string Keyword, string Arguments, int Line, int Column, IReadOnlyList<string>? ExecForm, IReadOnlyList<string> Heredocs)
{
    /// <summary>Whether the arguments are a JSON array (exec form).</summary>
    public bool IsExecForm => ExecForm is not null;
}

/// <summary>A build stage: a FROM and the instructions up to the next FROM.</summary>
/// <param name="Index">0-based position among the stages.</param>
/// <param name="BaseImage">The image (or earlier stage) after FROM, with global ARG defaults substituted.</param>
/// <param name="Name">The name after AS, or null.</param>
/// <param name="From">The FROM instruction.</param>
/// <param name="Instructions">The instructions after FROM.</param>
public sealed record DockerStage(int Index, string BaseImage, string? Name, DockerInstruction From, IReadOnlyList<DockerInstruction> Instructions)
{
    /// <summary>The last instruction with <paramref name="keyword"/> in this stage, or null.</summary>
    public DockerInstruction? Last(string keyword) => Instructions.LastOrDefault(i => i.Keyword == keyword);
}

/// <summary>A parsed Dockerfile.</summary>
/// <param name="File">The source file.</param>
/// <param name="Stages">Its stages in order; the last one builds the image.</param>
/// <param name="Errors">Problems met (an instruction before the first FROM other than ARG, a heredoc never closed...).</param>
public sealed record DockerfileDocument(SourceFile File, IReadOnlyList<DockerStage> Stages, IReadOnlyList<InputError> Errors)
{
    /// <summary>The stage that builds the image, or null when there is no FROM.</summary>
    public DockerStage? FinalStage => Stages.Count == 0 ? null : Stages[^1];

    /// <summary>The directory the build context is assumed to be: the Dockerfile's own (null for standard input).</summary>
    public string? ContextDirectory => File.Path == "-" ? null : Path.GetDirectoryName(Path.GetFullPath(File.Path));

    /// <summary>
    /// What the final stage runs as PID 1: ENTRYPOINT, CMD, SHELL and STOPSIGNAL, inherited through stages built
    /// FROM an earlier stage, as Docker does.
    /// </summary>
    public ImageConfig FinalConfig()
    {
        var chain = new List<DockerStage>();
        var stage = FinalStage;
        while (stage is not null && !chain.Contains(stage))
        {
            chain.Add(stage);
            stage = StageNamed(stage.BaseImage, stage.Index);
        }

        chain.Reverse();
        var config = new ImageConfig(chain.Count > 0 ? chain[0].BaseImage : null, null, null, null, null, []) { BaseFrom = chain.Count > 0 ? chain[0].From : null };
        foreach (var s in chain)
        {
            foreach (var i in s.Instructions)
            {
                config = i.Keyword switch
                {
                    // Docker: setting ENTRYPOINT resets a CMD inherited from the base (here: from an earlier stage).
                    "ENTRYPOINT" => config with { Entrypoint = i, Cmd = ReferenceEquals(config.CmdStage, s) ? config.Cmd : null },
                    "CMD" => config with { Cmd = i, CmdStage = s },
                    "SHELL" when i.ExecForm is { Count: > 0 } shell => config with { Shell = shell },
                    "STOPSIGNAL" => config with { StopSignal = i },
                    "COPY" or "ADD" => config with { Copies = [.. config.Copies, i] },
                    _ => config,
                };
            }
        }

        return config;
    }

    /// <summary>The earlier stage an image name refers to ("FROM build", "FROM 0"), or null for an external image.</summary>
    public DockerStage? StageNamed(string image, int before)
    {
        ArgumentNullException.ThrowIfNull(image);
        foreach (var s in Stages)
        {
            if (s.Index >= before)
            {
                break;
            }

            if ((s.Name is not null && string.Equals(s.Name, image, StringComparison.OrdinalIgnoreCase))
                || string.Equals(s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), image, StringComparison.Ordinal))
            {
                return s;
            }
        }

        return null;
    }
}

/// <summary>The run configuration of the final image as far as the Dockerfile shows it.</summary>
/// <param name="BaseImage">The external image the final stage's chain starts from.</param>
/// <param name="Entrypoint">The ENTRYPOINT in force, or null.</param>
/// <param name="Cmd">The CMD in force, or null.</param>
/// <param name="StopSignal">The STOPSIGNAL in force, or null.</param>
/// <param name="CmdStage">The stage that set <paramref name="Cmd"/>.</param>
/// <param name="Copies">COPY and ADD instructions of the final chain (to find an entrypoint script's source).</param>
public sealed record ImageConfig(string? BaseImage, DockerInstruction? Entrypoint, DockerInstruction? Cmd, DockerInstruction? StopSignal, DockerStage? CmdStage, IReadOnlyList<DockerInstruction> Copies)
{
    /// <summary>The shell the shell form runs in: ["/bin/sh", "-c"] unless SHELL changed it.</summary>
    public IReadOnlyList<string> Shell { get; init; } = ["/bin/sh", "-c"];

    /// <summary>The FROM instruction naming <see cref="BaseImage"/>.</summary>
    public DockerInstruction? BaseFrom { get; init; }
}
