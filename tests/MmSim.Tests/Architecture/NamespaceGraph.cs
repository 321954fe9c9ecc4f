using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace MmSim.Tests.Architecture;

/// <summary>
/// Which MmSim namespace uses which, with one piece of evidence per edge, read two ways that
/// complement each other: from the compiled assemblies (every type a type's signatures, fields,
/// base types, attributes, locals and IL tokens touch — what the source cannot hide behind
/// <c>var</c> or a parent namespace) and from the sources (<c>using</c> directives, qualified names,
/// crefs and names of parent-namespace types — what the compiler inlines away: constants and enum
/// members).
/// </summary>
internal sealed partial class NamespaceGraph
{
    private const string Root = "MmSim";

    private readonly SortedDictionary<string, SortedDictionary<string, string>> edges = new(StringComparer.Ordinal);

    /// <summary>Every MmSim namespace that declares a type (in the sources or the assemblies).</summary>
    public SortedSet<string> Namespaces { get; } = new(StringComparer.Ordinal);

    /// <summary>Edges from → to (to ≠ from), each with the first evidence found.</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, string>> Edges => edges;

    /// <summary>Builds the graph of the given source folders and assemblies.</summary>
    /// <param name="sourceDirs">Folders whose .cs files are read (bin/ and obj/ skipped).</param>
    /// <param name="assemblies">Paths of the compiled assemblies.</param>
    /// <returns>The graph.</returns>
    public static NamespaceGraph Build(IEnumerable<string> sourceDirs, IEnumerable<string> assemblies)
    {
        var g = new NamespaceGraph();
        var sources = new SourceScan(g);
        sources.Read(sourceDirs);
        foreach (string path in assemblies)
        {
            new MetadataScan(g, path).Read();
        }

        sources.AddEdges();
        return g;
    }

    /// <summary>Records that <paramref name="from"/> uses <paramref name="to"/>.</summary>
    /// <param name="from">The using namespace.</param>
    /// <param name="to">The used namespace.</param>
    /// <param name="evidence">Where (file and text, or type and member).</param>
    public void Add(string from, string to, string evidence)
    {
        if (from == to || !IsOurs(from) || !IsOurs(to))
        {
            return;
        }

        if (!edges.TryGetValue(from, out SortedDictionary<string, string>? targets))
        {
            targets = new(StringComparer.Ordinal);
            edges.Add(from, targets);
        }

        targets.TryAdd(to, evidence);
    }

    /// <summary>The strongly connected components of more than one namespace (Tarjan's algorithm, iterative).</summary>
    /// <param name="kept">Which edges count (known exceptions are left out).</param>
    /// <returns>Each circle's namespaces.</returns>
    public List<List<string>> StronglyConnected(Func<string, string, bool> kept)
    {
        var nodes = new SortedSet<string>(Namespaces, StringComparer.Ordinal);
        nodes.UnionWith(edges.Keys);
        nodes.UnionWith(edges.Values.SelectMany(t => t.Keys));
        var tarjan = new Tarjan(n => edges.TryGetValue(n, out var t) ? t.Keys.Where(to => kept(n, to)) : []);
        foreach (string n in nodes)
        {
            tarjan.Visit(n);
        }

        return tarjan.Components;
    }

    private static bool IsOurs(string ns) => ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal);

    /// <summary>Tarjan's strongly connected components with an explicit stack (no recursion).</summary>
    private sealed class Tarjan(Func<string, IEnumerable<string>> next)
    {
        private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> low = new(StringComparer.Ordinal);
        private readonly Stack<string> stack = new();
        private readonly HashSet<string> onStack = new(StringComparer.Ordinal);
        private readonly Stack<(string Node, IEnumerator<string> Successors)> frames = new();

        public List<List<string>> Components { get; } = [];

        public void Visit(string start)
        {
            if (index.ContainsKey(start))
            {
                return;
            }

            Open(start);
            while (frames.Count > 0)
            {
                (string v, IEnumerator<string> successors) = frames.Peek();
                if (successors.MoveNext())
                {
                    string w = successors.Current;
                    if (!index.ContainsKey(w))
                    {
                        Open(w);
                    }
                    else if (onStack.Contains(w))
                    {
                        low[v] = Math.Min(low[v], index[w]);
                    }

                    continue;
                }

                frames.Pop();
                if (frames.Count > 0)
                {
                    string parent = frames.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[v]);
                }

                if (low[v] == index[v])
                {
                    Close(v);
                }
            }
        }

        private void Open(string n)
        {
            index[n] = low[n] = index.Count;
            stack.Push(n);
            onStack.Add(n);
            frames.Push((n, next(n).ToList().GetEnumerator()));
        }

        // v is the root of a component: pop it off the stack.
        private void Close(string v)
        {
            var component = new List<string>();
            string w;
            do
            {
                w = stack.Pop();
                onStack.Remove(w);
                component.Add(w);
            }
            while (w != v);
            if (component.Count > 1)
            {
                Components.Add(component);
            }
        }
    }

    /// <summary>The sources: namespaces, declared types, usings, qualified names, parent-namespace types.</summary>
    private sealed partial class SourceScan(NamespaceGraph g)
    {
        private readonly Dictionary<string, HashSet<string>> typesByNamespace = new(StringComparer.Ordinal);
        private readonly List<(string Path, string Namespace, string Code)> files = [];

        public void Read(IEnumerable<string> dirs)
        {
            foreach (string dir in dirs)
            {
                foreach (string path in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    string rel = Path.GetRelativePath(Path.GetDirectoryName(dir)!, path).Replace('\\', '/');
                    if (rel.Contains("/obj/", StringComparison.Ordinal) || rel.Contains("/bin/", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    ReadFile(rel, File.ReadAllText(path));
                }
            }
        }

        public void AddEdges()
        {
            foreach ((string path, string ns, string code) in files)
            {
                AddUsings(path, ns, code);
                AddQualifiedNames(path, ns, code);
                AddParentTypes(path, ns, code);
            }
        }

        private void ReadFile(string path, string text)
        {
            Match nsMatch = NamespaceDecl().Match(text);
            if (!nsMatch.Success)
            {
                return;
            }

            string ns = nsMatch.Groups[1].Value;
            string code = CodeOf(text);
            g.Namespaces.Add(ns);
            if (!typesByNamespace.TryGetValue(ns, out HashSet<string>? types))
            {
                types = new(StringComparer.Ordinal);
                typesByNamespace.Add(ns, types);
            }

            foreach (Match m in TypeDecl().Matches(code))
            {
                types.Add(m.Groups[1].Value);
            }

            files.Add((path, ns, code));
        }

        // Code without comments and string literals, plus the crefs of the XML docs (a cref needs the namespace too).
        private static string CodeOf(string text)
        {
            string crefs = string.Join(' ', Cref().Matches(text).Select(m => m.Groups[1].Value));
            string code = RawString().Replace(text, "\"\"");
            code = CharLiteral().Replace(code, "' '");
            code = BlockComment().Replace(code, " ");
            code = LineComment().Replace(code, string.Empty);
            code = StringLiteral().Replace(code, "\"\"");
            return code + "\n" + crefs;
        }

        private void AddUsings(string path, string ns, string code)
        {
            foreach (Match m in UsingDirective().Matches(code))
            {
                string target = m.Groups[1].Value;
                g.Add(ns, Resolve(target) ?? target, $"{path}: using {target}");
            }
        }

        // MmSim.X.Y.Type, or a name relative to the file's namespace or a parent of it (Mm.Vmstat.Item).
        private void AddQualifiedNames(string path, string ns, string code)
        {
            foreach (Match m in DottedName().Matches(code))
            {
                string chain = m.Groups[1].Value;
                if (chain.StartsWith("global::", StringComparison.Ordinal))
                {
                    chain = chain["global::".Length..];
                }

                for (string? prefix = ns; ; prefix = Parent(prefix))
                {
                    string full = prefix is null ? chain : prefix + "." + chain;
                    string? target = ResolveWithType(full, prefix);
                    if (target is not null)
                    {
                        g.Add(ns, target, $"{path}: {m.Groups[1].Value}");
                        break;
                    }

                    if (prefix is null)
                    {
                        break;
                    }
                }
            }
        }

        // C# finds the types of every enclosing namespace without a using: MmSim.Runs.TimeSeries sees MmSim.Runs.
        private void AddParentTypes(string path, string ns, string code)
        {
            HashSet<string> own = typesByNamespace.GetValueOrDefault(ns) ?? [];
            HashSet<string> identifiers = [.. Identifier().Matches(code).Select(m => m.Value)];
            for (string? parent = Parent(ns); parent is not null; parent = Parent(parent))
            {
                if (!typesByNamespace.TryGetValue(parent, out HashSet<string>? types))
                {
                    continue;
                }

                foreach (string t in types.Order(StringComparer.Ordinal))
                {
                    if (!own.Contains(t) && identifiers.Contains(t))
                    {
                        g.Add(ns, parent, $"{path}: {t} (declared in the enclosing namespace {parent})");
                        break;
                    }
                }
            }
        }

        // The longest known namespace that prefixes a dotted name (a using of a namespace, or using static of a type).
        private string? Resolve(string dotted)
        {
            for (string? n = dotted; n is not null; n = Parent(n))
            {
                if (typesByNamespace.ContainsKey(n))
                {
                    return n;
                }
            }

            return null;
        }

        // As Resolve, but only when the segment after the namespace is a type declared there and the
        // namespace is more than the prefix the name was tried under (so "Sim.Now" is not MmSim.Sim).
        private string? ResolveWithType(string full, string? triedUnder)
        {
            for (string? n = Parent(full); n is not null && (triedUnder is null || n.Length > triedUnder.Length); n = Parent(n))
            {
                if (typesByNamespace.TryGetValue(n, out HashSet<string>? types))
                {
                    string next = full[(n.Length + 1)..].Split('.')[0];
                    return types.Contains(next) ? n : null;
                }
            }

            return null;
        }

        private static string? Parent(string ns)
        {
            int dot = ns.LastIndexOf('.');
            return dot < 0 ? null : ns[..dot];
        }

        [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
        private static partial Regex NamespaceDecl();

        [GeneratedRegex(@"\b(?:class|struct|interface|enum|record(?:\s+(?:struct|class))?|delegate\s+[\w<>\[\],.?]+)\s+([A-Za-z_]\w*)")]
        private static partial Regex TypeDecl();

        [GeneratedRegex(@"cref=""([^""]+)""")]
        private static partial Regex Cref();

        [GeneratedRegex(@"""""""[\s\S]*?""""""")]
        private static partial Regex RawString();

        [GeneratedRegex(@"'(?:[^'\\\n]|\\.)+'")]
        private static partial Regex CharLiteral();

        [GeneratedRegex(@"/\*[\s\S]*?\*/")]
        private static partial Regex BlockComment();

        [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
        private static partial Regex LineComment();

        [GeneratedRegex(@"@?\$?""(?:[^""\\\n]|\\.)*""")]
        private static partial Regex StringLiteral();

        [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(MmSim(?:\.\w+)*)\s*;", RegexOptions.Multiline)]
        private static partial Regex UsingDirective();

        [GeneratedRegex(@"(?<![\w.])((?:global::)?[A-Z]\w*(?:\.[A-Z]\w*)+)")]
        private static partial Regex DottedName();

        [GeneratedRegex(@"\b[A-Za-z_]\w*\b")]
        private static partial Regex Identifier();
    }

    /// <summary>An assembly: every type its types' definitions and method bodies refer to.</summary>
    private sealed class MetadataScan(NamespaceGraph g, string path)
    {
        private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value, o => o.OperandType);

        private readonly NamespaceProvider provider = new();
        private MetadataReader md = null!;
        private PEReader pe = null!;

        public void Read()
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            pe = reader;
            md = reader.GetMetadataReader();
            foreach (TypeDefinitionHandle h in md.TypeDefinitions)
            {
                string ns = OuterNamespace(md, h);
                if (!IsOurs(ns))
                {
                    continue; // <Module>, <PrivateImplementationDetails>, embedded attributes, generated regexes
                }

                g.Namespaces.Add(ns);
                string where = $"{Path.GetFileName(path)}: {TypeName(md, h)} uses ";
                foreach (string used in UsedBy(h).Order(StringComparer.Ordinal))
                {
                    int tab = used.IndexOf('\t', StringComparison.Ordinal);
                    g.Add(ns, used[..tab], where + used[(tab + 1)..]);
                }
            }
        }

        private HashSet<string> UsedBy(TypeDefinitionHandle h)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            TypeDefinition t = md.GetTypeDefinition(h);
            AddType(used, t.BaseType);
            foreach (InterfaceImplementationHandle i in t.GetInterfaceImplementations())
            {
                AddType(used, md.GetInterfaceImplementation(i).Interface);
            }

            AddAttributes(used, t.GetCustomAttributes());
            foreach (FieldDefinitionHandle f in t.GetFields())
            {
                FieldDefinition field = md.GetFieldDefinition(f);
                used.UnionWith(field.DecodeSignature(provider, null));
                AddAttributes(used, field.GetCustomAttributes());
            }

            foreach (PropertyDefinitionHandle p in t.GetProperties())
            {
                PropertyDefinition prop = md.GetPropertyDefinition(p);
                AddMethodSignature(used, prop.DecodeSignature(provider, null));
                AddAttributes(used, prop.GetCustomAttributes());
            }

            foreach (MethodDefinitionHandle m in t.GetMethods())
            {
                AddMethod(used, m);
            }

            return used;
        }

        private void AddMethod(HashSet<string> used, MethodDefinitionHandle m)
        {
            MethodDefinition method = md.GetMethodDefinition(m);
            AddMethodSignature(used, method.DecodeSignature(provider, null));
            AddAttributes(used, method.GetCustomAttributes());
            foreach (ParameterHandle p in method.GetParameters())
            {
                AddAttributes(used, md.GetParameter(p).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                StandaloneSignature locals = md.GetStandaloneSignature(body.LocalSignature);
                foreach (HashSet<string> local in locals.DecodeLocalSignature(provider, null))
                {
                    used.UnionWith(local);
                }
            }

            AddIlTokens(used, body.GetILReader());
        }

        // Walks the IL and resolves every metadata token operand (types, methods, fields, signatures).
        private void AddIlTokens(HashSet<string> used, BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE)
                {
                    code = (short)(0xFE00 | il.ReadByte());
                }

                OperandType operand = OperandTypes[code];
                switch (operand)
                {
                    case OperandType.InlineField:
                    case OperandType.InlineMethod:
                    case OperandType.InlineTok:
                    case OperandType.InlineType:
                    case OperandType.InlineSig:
                        AddToken(used, MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        int targets = il.ReadInt32(); // read first: `Offset += 4 * ReadInt32()` would lose the 4 bytes read
                        il.Offset += 4 * targets;
                        break;
                    default:
                        il.Offset += OperandSize(operand);
                        break;
                }
            }
        }

        private static int OperandSize(OperandType operand) => operand switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            _ => 4, // InlineBrTarget, InlineI, InlineString, ShortInlineR
        };

        private void AddToken(HashSet<string> used, EntityHandle h)
        {
            switch (h.Kind)
            {
                case HandleKind.TypeDefinition:
                case HandleKind.TypeReference:
                case HandleKind.TypeSpecification:
                    AddType(used, h);
                    break;
                case HandleKind.MethodDefinition:
                    MethodDefinition method = md.GetMethodDefinition((MethodDefinitionHandle)h);
                    AddType(used, method.GetDeclaringType());
                    AddMethodSignature(used, method.DecodeSignature(provider, null));
                    break;
                case HandleKind.FieldDefinition:
                    FieldDefinition field = md.GetFieldDefinition((FieldDefinitionHandle)h);
                    AddType(used, field.GetDeclaringType());
                    used.UnionWith(field.DecodeSignature(provider, null));
                    break;
                case HandleKind.MemberReference:
                    MemberReference member = md.GetMemberReference((MemberReferenceHandle)h);
                    AddToken(used, member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        AddMethodSignature(used, member.DecodeMethodSignature(provider, null));
                    }
                    else
                    {
                        used.UnionWith(member.DecodeFieldSignature(provider, null));
                    }

                    break;
                case HandleKind.MethodSpecification:
                    MethodSpecification spec = md.GetMethodSpecification((MethodSpecificationHandle)h);
                    AddToken(used, spec.Method);
                    foreach (HashSet<string> arg in spec.DecodeSignature(provider, null))
                    {
                        used.UnionWith(arg);
                    }

                    break;
                case HandleKind.StandaloneSignature:
                    StandaloneSignature sig = md.GetStandaloneSignature((StandaloneSignatureHandle)h);
                    if (sig.GetKind() == StandaloneSignatureKind.Method)
                    {
                        AddMethodSignature(used, sig.DecodeMethodSignature(provider, null));
                    }

                    break;
                default:
                    break;
            }
        }

        private void AddType(HashSet<string> used, EntityHandle h)
        {
            if (h.IsNil)
            {
                return;
            }

            used.UnionWith(h.Kind switch
            {
                HandleKind.TypeDefinition => provider.GetTypeFromDefinition(md, (TypeDefinitionHandle)h, 0),
                HandleKind.TypeReference => provider.GetTypeFromReference(md, (TypeReferenceHandle)h, 0),
                HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)h).DecodeSignature(provider, null),
                _ => [],
            });
        }

        private void AddAttributes(HashSet<string> used, CustomAttributeHandleCollection attributes)
        {
            foreach (CustomAttributeHandle a in attributes)
            {
                AddToken(used, md.GetCustomAttribute(a).Constructor);
            }
        }

        private static void AddMethodSignature(HashSet<string> used, MethodSignature<HashSet<string>> sig)
        {
            used.UnionWith(sig.ReturnType);
            foreach (HashSet<string> p in sig.ParameterTypes)
            {
                used.UnionWith(p);
            }
        }

        internal static string TypeName(MetadataReader md, TypeDefinitionHandle h)
        {
            TypeDefinition t = md.GetTypeDefinition(h);
            string name = md.GetString(t.Name);
            TypeDefinitionHandle outer = t.GetDeclaringType();
            return outer.IsNil ? md.GetString(t.Namespace) + "." + name : TypeName(md, outer) + "+" + name;
        }

        // Nested (and compiler-generated) types have no namespace of their own: take the outermost one's.
        internal static string OuterNamespace(MetadataReader md, TypeDefinitionHandle h)
        {
            TypeDefinition t = md.GetTypeDefinition(h);
            while (!t.GetDeclaringType().IsNil)
            {
                t = md.GetTypeDefinition(t.GetDeclaringType());
            }

            return md.GetString(t.Namespace);
        }
    }

    /// <summary>Decodes a signature into the types in it (generic arguments included), each as "namespace\ttype".</summary>
    private sealed class NamespaceProvider : ISignatureTypeProvider<HashSet<string>, object?>
    {
        public HashSet<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            [MetadataScan.OuterNamespace(reader, handle) + "\t" + MetadataScan.TypeName(reader, handle)];

        public HashSet<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            TypeReference r = reader.GetTypeReference(handle);
            string name = reader.GetString(r.Name);
            while (r.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                r = reader.GetTypeReference((TypeReferenceHandle)r.ResolutionScope);
                name = reader.GetString(r.Name) + "+" + name;
            }

            string ns = reader.GetString(r.Namespace);
            return [ns + "\t" + ns + "." + name];
        }

        public HashSet<string> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public HashSet<string> GetGenericInstantiation(HashSet<string> genericType, ImmutableArray<HashSet<string>> typeArguments)
        {
            var all = new HashSet<string>(genericType, StringComparer.Ordinal);
            foreach (HashSet<string> a in typeArguments)
            {
                all.UnionWith(a);
            }

            return all;
        }

        public HashSet<string> GetArrayType(HashSet<string> elementType, ArrayShape shape) => elementType;

        public HashSet<string> GetByReferenceType(HashSet<string> elementType) => elementType;

        public HashSet<string> GetPointerType(HashSet<string> elementType) => elementType;

        public HashSet<string> GetSZArrayType(HashSet<string> elementType) => elementType;

        public HashSet<string> GetPinnedType(HashSet<string> elementType) => elementType;

        public HashSet<string> GetModifiedType(HashSet<string> modifier, HashSet<string> unmodifiedType, bool isRequired) =>
            [.. modifier, .. unmodifiedType];

        public HashSet<string> GetFunctionPointerType(MethodSignature<HashSet<string>> signature)
        {
            var all = new HashSet<string>(signature.ReturnType, StringComparer.Ordinal);
            foreach (HashSet<string> p in signature.ParameterTypes)
            {
                all.UnionWith(p);
            }

            return all;
        }

        public HashSet<string> GetGenericMethodParameter(object? genericContext, int index) => [];

        public HashSet<string> GetGenericTypeParameter(object? genericContext, int index) => [];

        public HashSet<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
    }
}
