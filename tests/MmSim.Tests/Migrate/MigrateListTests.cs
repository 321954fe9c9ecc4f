using MmSim.Mm.Migrate;
using MmSim.Sim;

namespace MmSim.Tests.Migrate;

/// <summary>MigrateList against a List&lt;int&gt; model under random list operations.</summary>
public class MigrateListTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void Random_operations_match_a_plain_list(ulong seed)
    {
        var rng = new Prng(seed);
        var a = new MigrateList(4);
        var b = new MigrateList(4);
        var ma = new List<int>();
        var mb = new List<int>();
        int next = 0;
        for (int op = 0; op < 5000; op++)
        {
            switch (rng.NextBelow(7))
            {
                case 0:
                case 1:
                    a.Add(next);
                    ma.Add(next++);
                    break;
                case 2:
                    int k = (int)rng.NextBelow((ulong)ma.Count + 1);
                    a.MoveHeadTo(b, k);
                    mb.AddRange(ma.Take(k));
                    ma.RemoveRange(0, k);
                    break;
                case 3:
                    b.SpliceHead(a);
                    mb.InsertRange(0, ma);
                    ma.Clear();
                    break;
                case 4:
                    a.SpliceTail(b);
                    ma.AddRange(mb);
                    mb.Clear();
                    break;
                case 5 when ma.Count > 0:
                    int i = (int)rng.NextBelow((ulong)ma.Count);
                    a.RemoveAt(i);
                    ma.RemoveAt(i);
                    break;
                case 6 when mb.Count > 0:
                    int t = (int)rng.NextBelow((ulong)mb.Count + 1);
                    b.Truncate(t);
                    mb.RemoveRange(t, mb.Count - t);
                    break;
            }

            Assert.Equal(ma, Enumerable.Range(0, a.Count).Select(x => a[x]));
            Assert.Equal(mb, Enumerable.Range(0, b.Count).Select(x => b[x]));
        }
    }
}
