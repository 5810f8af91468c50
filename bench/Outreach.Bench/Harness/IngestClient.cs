using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Outreach.Bench;

/// <summary>
/// Posts AEP export bodies to a connector's <c>POST /api/profiles</c> as AEP does, with a bounded time per request,
/// and keeps each request's latency. A refused or timed-out request is a <see cref="BenchmarkFailure"/>.
/// </summary>
public sealed class IngestClient : IDisposable
{
    // AEP itself gives up after 2 s; a benchmark request still unanswered after this long means the run is broken.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _client;
    private readonly ConcurrentQueue<double> _latencies = new();

    /// <summary>Creates a client for the connector at <paramref name="baseAddress"/>.</summary>
    public IngestClient(Uri baseAddress, string secret)
    {
        _client = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
    }

    /// <summary>Every request's latency in milliseconds so far, sorted.</summary>
    public IReadOnlyList<double> Latencies => [.. _latencies.Order()];

    /// <summary>Forgets the latencies recorded so far (before a measured phase).</summary>
    public void ClearLatencies() => _latencies.Clear();

    /// <summary>Posts one body; throws <see cref="BenchmarkFailure"/> unless the connector answers 202 in time.</summary>
    public async Task PostAsync(string body, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(RequestTimeout);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _client.PostAsync(new Uri("/api/profiles", UriKind.Relative), content, bounded.Token);
            _latencies.Enqueue(clock.Elapsed.TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                var answer = await response.Content.ReadAsStringAsync(bounded.Token);
                throw new BenchmarkFailure($"ingest answered {(int)response.StatusCode}: {answer}");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchmarkFailure(string.Create(CultureInfo.InvariantCulture, $"an ingest POST was not answered within {RequestTimeout.TotalSeconds:0} s"));
        }
        catch (HttpRequestException ex)
        {
            throw new BenchmarkFailure("an ingest POST failed: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// Posts the bodies in order, <paramref name="concurrency"/> at a time (AEP sends several requests at once), each
    /// once <paramref name="backlog"/> (when given) lets it through.
    /// </summary>
    public Task PostAllAsync(IEnumerable<string> bodies, int concurrency, QueueBacklogGate? backlog = null, CancellationToken cancellationToken = default) =>
        Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (body, ct) =>
        {
            if (backlog is not null)
            {
                await backlog.WaitAsync(ct);
            }

            await PostAsync(body, ct);
        });

    /// <summary>The latencies as "p50 / p95 / max ms", for a line under a table.</summary>
    public string LatencySummary()
    {
        var sorted = Latencies;
        return sorted.Count == 0
            ? "no requests"
            : string.Create(CultureInfo.InvariantCulture, $"{Percentile(sorted, 0.50):0} / {Percentile(sorted, 0.95):0} / {sorted[^1]:0} ms");
    }

    /// <summary>The <paramref name="p"/> percentile of sorted values (nearest rank); NaN when there are none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
