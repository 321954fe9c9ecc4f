using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class EventQueueTests
{
    [Fact]
    public void TiesAreFifoAndTimesAscend()
    {
        var q = new EventQueue();
        q.Enqueue(5, 1, 0);
        q.Enqueue(3, 2, 0);
        q.Enqueue(5, 3, 0);
        q.Enqueue(3, 4, 0);
        q.Enqueue(0, 5, 0);
        Assert.True(q.IsValid());
        int[] order = new int[5];
        for (int i = 0; i < 5; i++)
        {
            order[i] = q.Dequeue().Target;
        }
        Assert.Equal([5, 2, 4, 1, 3], order);
        Assert.Equal(0, q.Count);
        Assert.False(q.TryPeekTime(out _));
        Assert.Throws<InvalidOperationException>(() => q.Dequeue());
    }

    [Fact]
    public void RandomOperationsMatchASortedReference()
    {
        var q = new EventQueue();
        var reference = new List<(long Time, long Seq, int Target)>();
        var prng = new Prng(77);
        long seq = 0;
        for (int op = 0; op < 20_000; op++)
        {
            if (reference.Count == 0 || prng.NextBelow(3) != 0)
            {
                long t = prng.NextInRange(0, 50);
                q.Enqueue(t, op, 0);
                reference.Add((t, seq++, op));
            }
            else
            {
                reference.Sort();
                (long time, _, int target) = reference[0];
                reference.RemoveAt(0);
                SimEvent ev = q.Dequeue();
                Assert.Equal(time, ev.TimeNs);
                Assert.Equal(target, ev.Target);
            }
            if (op % 1000 == 0)
            {
                Assert.True(q.IsValid());
            }
        }
        Assert.Equal(reference.Count, q.Count);
        Assert.True(q.IsValid());
    }

    [Fact]
    public void GrowsByDoublingBeyondInitialCapacity()
    {
        var q = new EventQueue();
        for (int i = 0; i < 10_000; i++)
        {
            q.Enqueue(10_000 - i, i, 0);
        }
        Assert.True(q.IsValid());
        long last = -1;
        while (q.Count > 0)
        {
            SimEvent ev = q.Dequeue();
            Assert.True(ev.TimeNs >= last);
            last = ev.TimeNs;
        }
        Assert.Equal(10_000, q.NextSeq);
    }
}
