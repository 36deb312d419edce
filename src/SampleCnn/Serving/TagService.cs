using System.Collections.Concurrent;
using SampleCnn.Inference;
using SampleCnn.Platform;
using SampleCnn.Runs;
using SampleCnn.Tagging;
using static TorchSharp.torch;

namespace SampleCnn.Serving;

/// <summary>
/// `serve`: one opened model tagging uploaded files for concurrent requests through one bounded queue, on `tag`'s pieces
/// (<see cref="Tagger"/>). A request is admitted while fewer than <see cref="Queue"/> are held, else refused at once. A small
/// pool of decoders (as many threads as `tag` decodes on), first come first served, cuts each admitted file into segments;
/// one worker owns the network and scores batches of up to the batch size from whatever segments wait, oldest first, so a
/// batch may mix requests and a request may span batches. As in `tag`, it runs full batches while more segments are coming
/// and the remainder once none are, and decoders wait when two batches' worth wait, so decoding overlaps the network and the
/// samples held stay bounded. A request completes when its last segment is scored, its clip scores (and, for our networks,
/// its embedding) reduced from the segments' exactly as `tag` and `embed` reduce them. Past the timeout, or when its client
/// goes, a request's segments not yet run are dropped.
/// </summary>
public sealed class TagService : IDisposable
{
    readonly TrainedModel model;
    readonly Tagger tagger;
    readonly int batchSize;
    readonly long maxSamples;

    /// <summary>Guards everything below; decoders and the worker wait on it.</summary>
    readonly object gate = new();
    /// <summary>Segments cut and not yet in a batch, oldest first.</summary>
    readonly List<Tagger.Piece> waiting = [];
    /// <summary>The requests held, by their file on its way through the network.</summary>
    readonly Dictionary<Tagger.Pending, Job> jobs = [];
    /// <summary>Admitted requests, oldest first, for the decoders.</summary>
    readonly BlockingCollection<Job> arrivals = new();
    /// <summary>Held requests not yet decoded to their end: while any are, more segments may come, so the worker waits for a full batch.</summary>
    int decoding;
    /// <summary>Requests admitted and not yet answered.</summary>
    int held;
    bool paused, stopping;
    long segmentsTagged, batchesRun;
    /// <summary>The network's own thread; null when the caller runs the network (<see cref="RunNetwork"/>).</summary>
    readonly Thread? worker;
    readonly Thread[] decoders;

    TagService(TrainedModel model, Tagger tagger, ServiceOptions options, int batchSize, int decodeThreads, long? parameters, bool embeds,
        IReadOnlyList<float>? thresholds, TagThresholds? tuned, bool networkOnCaller)
    {
        this.model = model;
        this.tagger = tagger;
        this.batchSize = batchSize;
        Options = options;
        Parameters = parameters;
        Thresholds = thresholds;
        Tuned = tuned;
        Protocol = TagProtocol.Of(tagger);
        CannotEmbed = embeds ? null : "a TorchScript model's layers are opaque: it gives tag scores only";
        maxSamples = (long)Math.Floor(options.MaxDurationSeconds * tagger.SampleRate);
        worker = networkOnCaller ? null : new Thread(Work) { IsBackground = true, Name = "serve network" };
        decoders = Enumerable.Range(0, decodeThreads).Select(i => new Thread(Decode) { IsBackground = true, Name = $"serve decoder {i}" }).ToArray();
        worker?.Start();
        foreach (var decoder in decoders) decoder.Start();
    }

    /// <param name="options">How the network runs; the embedding is added for our networks on every engine (one pass gives both).</param>
    /// <param name="decide">How scores become yes/no tags; null: by the thresholds tuned for the model when it has them, else scores only.</param>
    /// <param name="networkOnCaller">
    /// The caller runs the network on a thread of its own choosing with <see cref="RunNetwork"/>, rather than the service on a
    /// new thread. A process's first thread should: on Linux any other thread gets a malloc arena whose heaps cannot hold a
    /// large tensor, and glibc then maps each one afresh, about 2x slower (docs/ARCHITECTURE.md, platform fact 2).
    /// </param>
    public static TagService Open(string modelPath, ModelOpenOptions modelOptions, TaggerOptions options, Device device, ServiceOptions service,
        TagDecision? decide = null, bool networkOnCaller = false)
    {
        if (service.Queue < 1) throw new OptionException(nameof(service.Queue), "queue length", service.Queue, "must be at least 1 request");
        if (!(service.TimeoutSeconds > 0)) throw new OptionException(nameof(service.TimeoutSeconds), "request timeout in seconds", service.TimeoutSeconds, "must be more than 0");
        if (!(service.MaxDurationSeconds > 0)) throw new OptionException(nameof(service.MaxDurationSeconds), "longest audio in seconds", service.MaxDurationSeconds, "must be more than 0");
        var model = TrainedModel.Open(modelPath, modelOptions, device);
        try
        {
            var parameters = model.Cnn?.parameters().Sum(p => p.numel()); // counted before the tagger folds BatchNorm away, as inspect-model counts
            var embeds = model.Cnn is not null;
            var (thresholds, tuned) = (decide ?? (model.Thresholds is null ? null : TagDecision.Tuned))?.For(model) ?? default;
            var tagger = TaggingSession.TaggerFor(model, device, options with { Embedding = embeds });
            return new TagService(model, tagger, service, options.BatchSize, options.EffectiveDecodeThreads, parameters, embeds, thresholds, tuned, networkOnCaller);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model serving.</summary>
    public ModelInfo Model => model.Info;

    /// <summary>The model's tags, in the order of every result's scores.</summary>
    public IReadOnlyList<string> Tags => model.Tags;

    /// <summary>Trainable parameters of a SampleCnn network; null for TorchScript.</summary>
    public long? Parameters { get; }

    /// <summary>What the scores mean: how a file is cut into segments and their scores pooled.</summary>
    public TagProtocol Protocol { get; }

    /// <summary>Each tag's threshold, in the order of <see cref="Tags"/>, when results carry yes/no decisions; else null.</summary>
    public IReadOnlyList<float>? Thresholds { get; }

    /// <summary>The tuned thresholds deciding, with where they came from; null when none are used.</summary>
    public TagThresholds? Tuned { get; }

    /// <summary>The bounds this service keeps.</summary>
    public ServiceOptions Options { get; }

    /// <summary>Requests held at most (<see cref="ServiceOptions.Queue"/>).</summary>
    public int Queue => Options.Queue;

    /// <summary>Requests held now: being decoded, waiting for the network or being scored.</summary>
    public int QueueDepth
    {
        get { lock (gate) return held; }
    }

    /// <summary>Segments cut and waiting for a batch now.</summary>
    public int SegmentsWaiting
    {
        get { lock (gate) return waiting.Count; }
    }

    /// <summary>Segments the network has scored since the service started.</summary>
    public long SegmentsTagged => Interlocked.Read(ref segmentsTagged);

    /// <summary>Batches the network has run since the service started.</summary>
    public long BatchesRun => Interlocked.Read(ref batchesRun);

    /// <summary>Null when results carry `embed`'s default vector (<see cref="FileTags.Embedding"/>); else why this model cannot give one.</summary>
    public string? CannotEmbed { get; }

    /// <summary>Holds the worker before its next batch, or lets it go on (tests fill the queue with it).</summary>
    internal bool Paused
    {
        set
        {
            lock (gate)
            {
                paused = value;
                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>
    /// Tags one audio file. Refused at once (<see cref="ServiceStatus.Busy"/>) when the queue is full; a file that cannot be
    /// decoded comes back Done with <see cref="FileTags.Failed"/>. When <paramref name="cancel"/> fires (the client left) the
    /// request is dropped and this throws <see cref="OperationCanceledException"/>. Whatever the outcome, no decoder reads
    /// <paramref name="file"/> once this returns, so the caller may delete it.
    /// </summary>
    public async Task<ServiceResult> TagAsync(string file, CancellationToken cancel = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var job = new Job(new Tagger.Pending(file), timeout.Token);
        lock (gate) // admitted and queued in one step, so never more than Queue are held
        {
            ObjectDisposedException.ThrowIf(stopping, this);
            if (held >= Queue) return new ServiceResult(ServiceStatus.Busy);
            held++;
            jobs.Add(job.File, job);
            decoding++;
            arrivals.Add(job);
            Monitor.PulseAll(gate); // more segments are coming: the worker now waits for a full batch
        }
        try
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(Options.TimeoutSeconds));
            return await job.Done.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            return new ServiceResult(ServiceStatus.TimedOut);
        }
        finally
        {
            Drop(job);
            await job.Released.Task;
            lock (gate) held--;
        }
    }

    /// <summary>Lets a request go: its segments not yet run leave the queue, and its decoder stops at its next segment.</summary>
    void Drop(Job job)
    {
        lock (gate)
        {
            if (job.Dropped) return;
            job.Dropped = true;
            jobs.Remove(job.File);
            waiting.RemoveAll(p => p.File == job.File);
            if (job.File.Decoded is null) decoding--;
            if (!job.Started) job.Released.TrySetResult(); // never read: the decoder that takes it skips it
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>A decoder: takes admitted requests in order and cuts each file into the queue.</summary>
    void Decode()
    {
        foreach (var job in arrivals.GetConsumingEnumerable())
        {
            lock (gate)
            {
                if (job.Dropped || stopping) continue;
                job.Started = true;
            }
            try
            {
                var decoded = tagger.DecodeFile(job.File.Path, samples => Enqueue(job, samples), job.Cancel, maxSamples);
                lock (gate)
                {
                    if (job.Dropped) continue;
                    decoding--;
                    job.File.Decoded = decoded;
                    if (decoded.Error is not null || decoded.TooLong) waiting.RemoveAll(p => p.File == job.File); // no scores are given for it
                    Monitor.PulseAll(gate); // nothing more comes from it: the worker may run what waits
                    Complete(job);
                }
            }
            catch (OperationCanceledException) { } // dropped: timed out, its client gone, or the service stopping
            catch (Exception e) // not the file's fault (decoding catches those): this request fails, the service goes on
            {
                job.Done.TrySetException(e);
            }
            finally
            {
                job.Released.TrySetResult();
            }
        }
    }

    /// <summary>Queues one segment of a request, waiting while two batches' worth already wait.</summary>
    void Enqueue(Job job, float[] samples)
    {
        lock (gate)
        {
            while (waiting.Count >= 2 * batchSize && !job.Dropped && !stopping) Monitor.Wait(gate);
            if (job.Dropped || stopping) throw new OperationCanceledException();
            waiting.Add(new Tagger.Piece(job.File, samples));
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>
    /// Runs the network on this thread until <paramref name="stop"/> fires, which stops the service (for a service opened with
    /// networkOnCaller).
    /// </summary>
    public void RunNetwork(CancellationToken stop)
    {
        if (worker is not null) throw new InvalidOperationException("this service runs its network on a thread of its own");
        using var registration = stop.Register(() =>
        {
            lock (gate)
            {
                stopping = true;
                Monitor.PulseAll(gate);
            }
        });
        Work();
    }

    /// <summary>The worker: the only thread that runs the network.</summary>
    void Work()
    {
        var batch = new List<Tagger.Piece>(batchSize);
        while (true)
        {
            lock (gate)
            {
                // a full batch, or whatever waits once no request has more to decode (as `tag` runs its last batch)
                while (!stopping && (paused || !(waiting.Count >= batchSize || waiting.Count > 0 && decoding == 0))) Monitor.Wait(gate);
                if (stopping) return;
                int n = Math.Min(batchSize, waiting.Count);
                batch.AddRange(waiting.GetRange(0, n));
                waiting.RemoveRange(0, n);
                Monitor.PulseAll(gate); // room for the decoders
            }
            float[]? outputs = null;
            Exception? fault = null;
            try
            {
                outputs = tagger.Forward(batch);
            }
            catch (Exception e) // the batch's requests fail; the service goes on
            {
                fault = e;
            }
            lock (gate)
            {
                if (outputs is not null)
                {
                    tagger.Deliver(batch, outputs);
                    Interlocked.Add(ref segmentsTagged, batch.Count);
                    Interlocked.Increment(ref batchesRun);
                }
                foreach (var file in batch.Select(p => p.File).Distinct())
                    if (jobs.TryGetValue(file, out var job))
                    {
                        if (fault is null) Complete(job);
                        else job.Done.TrySetException(fault);
                    }
            }
            batch.Clear();
        }
    }

    /// <summary>Answers a request once its file is decoded to its end and each of its segments scored (under the gate).</summary>
    void Complete(Job job)
    {
        if (job.File.Decoded is not { } decoded) return;
        try
        {
            if (decoded.TooLong) job.Done.TrySetResult(new ServiceResult(ServiceStatus.TooLong));
            else if (decoded.Error is not null || job.File.Complete)
            {
                var tags = tagger.TagsOf(tagger.OutputsOf(job.File));
                job.Done.TrySetResult(new ServiceResult(ServiceStatus.Done, Thresholds is null ? tags : tags with { Thresholds = Thresholds }));
            }
        }
        catch (Exception e) // a fault of ours fails this request alone: the worker and the decoders go on
        {
            job.Done.TrySetException(e);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
            arrivals.CompleteAdding();
            foreach (var job in jobs.Values) job.Done.TrySetException(new ObjectDisposedException(nameof(TagService)));
        }
        worker?.Join();
        foreach (var decoder in decoders) decoder.Join();
        tagger.Dispose();
        model.Dispose();
        arrivals.Dispose();
    }

    /// <summary>One request on its way: its file, how it ends, and whether a decoder still reads the file.</summary>
    sealed class Job(Tagger.Pending file, CancellationToken cancel)
    {
        public Tagger.Pending File { get; } = file;

        /// <summary>Fires past the timeout or when the client leaves: stops the decode (an ffmpeg process is killed).</summary>
        public CancellationToken Cancel { get; } = cancel;

        public TaskCompletionSource<ServiceResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set once no decoder reads the file, or ever will.</summary>
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Started, Dropped;
    }
}
