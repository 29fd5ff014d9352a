package dev.llmclient.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.llmclient.ChatRequest;
import dev.llmclient.ChatResponse;
import dev.llmclient.LlmClient;
import dev.llmclient.LlmClientException;

/**
 * One run of a batch. The calling thread coordinates: it keeps at most {@code maxOutstanding}
 * items in flight through {@link LlmClient#chatAsync(ChatRequest)}, takes their outcomes from a
 * queue as they end, records each in its slot, reports progress and starts the next item. Only
 * this thread touches the run's state; the client's threads just hand outcomes over the queue.
 * So a batch holds O(maxOutstanding) calls and threads whatever its size, and its progress
 * callback runs on the caller's thread, one call at a time.
 */
final class BatchRun {

    private final LlmClient client;

    private final List<ChatRequest> requests;

    private final int maxOutstanding;

    private final Duration deadline;

    private final BatchProgress progress;

    private final BatchMetrics metrics;

    private final BatchItem[] items;

    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

    private final Map<Integer, CompletableFuture<ChatResponse>> inFlight = new HashMap<>();

    private int next;

    private int ended;

    private int succeeded;

    private int failed;

    /** One ended call, handed from the client's thread to the coordinating thread. */
    private record Outcome(int index, ChatResponse response, Throwable error) {
    }

    BatchRun(LlmClient client, List<ChatRequest> requests, int maxOutstanding, BatchOptions options, BatchMetrics metrics) {
        this.client = client;
        this.requests = requests;
        this.maxOutstanding = maxOutstanding;
        this.deadline = options.deadline();
        this.progress = options.progress();
        this.metrics = metrics;
        this.items = new BatchItem[requests.size()];
    }

    BatchResult run() {
        long start = System.nanoTime();
        long deadlineAt = (this.deadline != null) ? start + this.deadline.toNanos() : 0;
        int total = this.items.length;
        boolean finished = false;
        try {
            while (this.ended < total) {
                while (this.next < total && this.inFlight.size() < this.maxOutstanding) {
                    if (this.deadline != null && System.nanoTime() - deadlineAt >= 0) {
                        break;
                    }
                    submit(this.next++);
                }
                if (this.ended == total) {
                    break;
                }
                Outcome outcome = (this.deadline != null)
                        ? this.outcomes.poll(deadlineAt - System.nanoTime(), TimeUnit.NANOSECONDS) : this.outcomes.take();
                if (outcome == null) {
                    stop((index, started) -> new LlmBatchDeadlineException(index, this.deadline, started));
                    break;
                }
                complete(outcome);
            }
            finished = true;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            stop((index, started) -> new LlmClientException("Batch item " + index
                    + (started ? " was cancelled in flight" : " was not started")
                    + ": the thread running the batch was interrupted", ex));
            finished = true;
        }
        finally {
            if (!finished) {
                cancelInFlight();
            }
        }
        return new BatchResult(Arrays.asList(this.items), this.succeeded, this.failed,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private void submit(int index) {
        CompletableFuture<ChatResponse> future;
        try {
            future = this.client.chatAsync(this.requests.get(index));
        }
        catch (RuntimeException ex) {
            record(index, null, ex);
            this.metrics.items(0, 1);
            reportProgress();
            return;
        }
        this.inFlight.put(index, future);
        future.whenComplete((response, error) -> this.outcomes.add(new Outcome(index, response, error)));
    }

    private void complete(Outcome outcome) {
        if (this.inFlight.remove(outcome.index()) == null) {
            return;
        }
        record(outcome.index(), outcome.response(), unwrap(outcome.error()));
        this.metrics.items((outcome.error() == null) ? 1 : 0, (outcome.error() == null) ? 0 : 1);
        reportProgress();
    }

    /**
     * Ends the run early: outcomes already queued are kept, calls in flight are cancelled (a call
     * that ended meanwhile keeps its real outcome), items not started fail without being sent.
     */
    private void stop(StopReason reason) {
        Outcome queued;
        while ((queued = this.outcomes.poll()) != null) {
            complete(queued);
        }
        int okBefore = this.succeeded;
        int koBefore = this.failed;
        for (Map.Entry<Integer, CompletableFuture<ChatResponse>> entry : new ArrayList<>(this.inFlight.entrySet())) {
            int index = entry.getKey();
            CompletableFuture<ChatResponse> future = entry.getValue();
            if (future.cancel(true)) {
                record(index, null, reason.failure(index, true));
            }
            else {
                recordDone(index, future);
            }
        }
        this.inFlight.clear();
        while (this.next < this.items.length) {
            int index = this.next++;
            record(index, null, reason.failure(index, false));
        }
        this.metrics.items(this.succeeded - okBefore, this.failed - koBefore);
        if (this.succeeded + this.failed > okBefore + koBefore) {
            reportProgress();
        }
    }

    private void cancelInFlight() {
        for (CompletableFuture<ChatResponse> future : this.inFlight.values()) {
            future.cancel(true);
        }
        this.inFlight.clear();
    }

    /** Records a call that ended just before it could be cancelled. */
    private void recordDone(int index, CompletableFuture<ChatResponse> future) {
        try {
            record(index, future.join(), null);
        }
        catch (CompletionException | CancellationException ex) {
            record(index, null, unwrap(ex));
        }
    }

    private void record(int index, ChatResponse response, Throwable error) {
        ChatRequest request = this.requests.get(index);
        if (error == null) {
            this.items[index] = new BatchItem.Success(index, request, response);
            this.succeeded++;
        }
        else {
            this.items[index] = new BatchItem.Failure(index, request, error);
            this.failed++;
        }
        this.ended++;
    }

    private void reportProgress() {
        if (this.progress != null) {
            this.progress.onProgress(this.ended, this.items.length);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Builds the failure of an item that a stopped run did not let finish. */
    @FunctionalInterface
    private interface StopReason {

        Throwable failure(int index, boolean started);

    }

}
