namespace MmSim.Report;

/// <summary>The report's only style sheet, inlined in the page (no file, no web font: the page must work offline and
/// from disk). Plain and legible: system fonts, monospace numbers aligned right, light and dark colours from the
/// reader's preference. Figures keep a white panel in dark mode because the plots are drawn on white.</summary>
internal static class ReportStyle
{
    /// <summary>The CSS text.</summary>
    public const string Css = """
        :root {
          color-scheme: light dark;
          --bg: #ffffff; --fg: #1b1b1b; --muted: #5a5a5a; --rule: #d4d4d4;
          --panel: #f6f6f6; --head: #ececec; --accent: #0a58a8; --warn: #9a3b00;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #16181b; --fg: #e4e4e4; --muted: #a3a3a3; --rule: #3a3d42;
            --panel: #202328; --head: #2a2e34; --accent: #7db4ff; --warn: #ffad70;
          }
        }
        * { box-sizing: border-box; }
        html { background: var(--bg); color: var(--fg); }
        body {
          margin: 0 auto; padding: 1.5rem 2rem 3rem; max-width: 120rem;
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
        }
        h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
        h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--rule); }
        h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
        a { color: var(--accent); }
        code, pre, .num { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
        .sub { color: var(--muted); margin: 0; }
        /* Prose stays at a readable line length; tables and figures may use the whole width (11 designs side by side). */
        p, ol.verdicts { max-width: 72rem; }
        nav.toc { margin: .8rem 0 0; font-size: .92rem; }
        nav.toc a { margin-right: 1rem; }
        ol.verdicts { padding-left: 1.4rem; }
        ol.verdicts li { margin: 0 0 .8rem; }
        ol.verdicts .q { font-weight: 600; margin: 0; }
        ol.verdicts .a { margin: .1rem 0 0; }
        ol.verdicts .id { color: var(--muted); font-weight: normal; font-size: .8em; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; margin: .4rem 0; }
        th, td { border: 1px solid var(--rule); padding: .25rem .6rem; vertical-align: top; }
        thead th { background: var(--head); text-align: left; vertical-align: bottom; }
        tbody th { text-align: left; font-weight: normal; white-space: nowrap; }
        tbody th code { color: var(--muted); font-size: .8em; display: block; }
        td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        /* Design names wrap at their hyphens so a column is as wide as its numbers, not its name. */
        table.compare thead th.num { white-space: normal; vertical-align: bottom; }
        table.compare td.num { padding: .25rem .5rem; }
        td.na { color: var(--muted); }
        table.runs th, table.runs td { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .8rem; padding: .2rem .4rem; }
        table.runs thead th { white-space: normal; vertical-align: bottom; }
        details { margin: .6rem 0; }
        summary { cursor: pointer; color: var(--accent); }
        figure { margin: 1.2rem 0 2rem; }
        figure .panel { background: #ffffff; border: 1px solid var(--rule); padding: .4rem; display: inline-block; max-width: 100%; }
        figure img { display: block; max-width: 100%; height: auto; }
        figcaption { max-width: 60rem; }
        figcaption p { margin: .3rem 0; }
        .files { color: var(--muted); font-size: .85em; }
        .missing { color: var(--warn); font-weight: 600; }
        pre { background: var(--panel); border: 1px solid var(--rule); padding: .7rem .9rem; overflow-x: auto; line-height: 1.4; }
        pre.command { user-select: all; -webkit-user-select: all; white-space: pre-wrap; word-break: break-all; }
        footer { margin-top: 3rem; color: var(--muted); font-size: .85em; }
        """;
}
