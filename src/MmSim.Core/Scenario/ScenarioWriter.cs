using System.Collections;
using System.Text;

namespace MmSim.Scenario;

/// <summary>
/// Writes a resolved config as YAML: every field with its default applied, keys in schema
/// order, the seed included, so that the file reproduces the run and loads back to an equal
/// <see cref="ScenarioConfig"/> (gem5-style resolved configuration, written before time 0).
/// </summary>
public static class ScenarioWriter
{
    /// <summary>Renders the resolved config.</summary>
    /// <param name="config">A config as returned by <see cref="ScenarioLoader"/>.</param>
    /// <returns>YAML text ending in a newline.</returns>
    /// <remarks>Paths of referenced files (op scripts) are written absolute, so the file can be read from any folder.</remarks>
    public static string WriteResolvedYaml(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var b = new StringBuilder();
        b.Append("# mmsim resolved scenario: every default applied, keys in schema order (docs/scenario-schema.md).\n");
        WriteFields(b, ScenarioSchema.Root.Fields, config, indent: 0);
        return b.ToString();
    }

    private static void WriteFields(StringBuilder b, IReadOnlyList<FieldDecl> fields, object owner, int indent)
    {
        foreach (FieldDecl field in fields)
        {
            WriteField(b, field, field.Get(owner), indent);
        }
    }

    private static void WriteField(StringBuilder b, FieldDecl field, object? value, int indent)
    {
        // An optional field without a default that the file left out (a lifetime that is
        // "forever"): writing nothing reads back as the same absent value.
        if (value is null && field.Kind != FieldKind.IntOrAuto)
        {
            return;
        }

        string pad = new(' ', indent);
        switch (field.Kind)
        {
            case FieldKind.Section:
                b.Append(pad).Append(field.Name).Append(":\n");
                WriteFields(b, field.Section!.Fields, value!, indent + 2);
                break;
            case FieldKind.SectionList or FieldKind.Workloads:
                WriteList(b, field, ((IEnumerable)value!).Cast<object>().ToList(), indent);
                break;
            case FieldKind.ScalarMap when ((ValueList<PolicySwitch>)value!).Count > 0:
                b.Append(pad).Append(field.Name).Append(":\n");
                foreach (PolicySwitch p in (ValueList<PolicySwitch>)value)
                {
                    b.Append(pad).Append("  ").Append(YamlText.Quote(p.Name)).Append(": ").Append(YamlText.Quote(p.Value)).Append('\n');
                }

                break;
            default:
                b.Append(pad).Append(field.Name).Append(": ").Append(ValueText.Scalar(field, value)).Append('\n');
                break;
        }
    }

    private static void WriteList(StringBuilder b, FieldDecl field, List<object> items, int indent)
    {
        string pad = new(' ', indent);
        if (items.Count == 0)
        {
            b.Append(pad).Append(field.Name).Append(": []\n");
            return;
        }

        b.Append(pad).Append(field.Name).Append(":\n");
        foreach (object item in items)
        {
            // Write the item's fields two deeper than the dash, then put the dash on its first line.
            var itemText = new StringBuilder();
            if (item is WorkloadConfig workload)
            {
                itemText.Append(' ', indent + 4).Append("type: ").Append(workload.Type).Append('\n');
                if (workload.Cgroup is string cgroup)
                {
                    itemText.Append(' ', indent + 4).Append("cgroup: ").Append(YamlText.Quote(cgroup)).Append('\n');
                }

                WriteFields(itemText, WorkloadRegistry.Find(workload.Type)!.Fields, workload, indent + 4);
            }
            else
            {
                WriteFields(itemText, field.Section!.Fields, item, indent + 4);
            }

            itemText[indent + 2] = '-';
            b.Append(itemText);
        }
    }
}
