package dev.llmclient.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import dev.llmclient.BatchJobSettings;
import dev.llmclient.ChatRequest;
import dev.llmclient.LlmClient;
import dev.llmclient.batch.BatchJob;
import dev.llmclient.batch.BatchJobOptions;
import dev.llmclient.batch.BatchResult;
import dev.llmclient.batch.LlmBatchService;

/**
 * Runs in a fresh JVM with a small young generation ({@link BatchJobsBenchmark}), one JVM
 * per kind so that neither inherits the other's heap: the prompts as one batch job on
 * {@link FakeBatchProvider} (writing and uploading its input, then downloading and
 * parsing its result, each measured by {@link HeapWatch}), or as a live batch at
 * {@code max-concurrent} {@value #MAX_CONCURRENT}, after a warm-up of the same kind.
 * Prints {@code PHASE name seconds addedBytes retainedBytes peakUsedBytes} per phase.
 */
public final class BatchJobsProbe {

	static final int MAX_CONCURRENT = 64;

	private static final int WARM_UP_REQUESTS = 2000;

	private static final Duration JOB_WAIT = Duration.ofMinutes(10);

	private BatchJobsProbe() {
	}

	/**
	 * @param args the number of requests, then {@code job} or {@code live}
	 * @throws Exception when a job or a call fails
	 */
	public static void main(String[] args) throws Exception {
		int count = Integer.parseInt(args[0]);
		boolean job = args[1].equals("job");
		HeapWatch heap = new HeapWatch();
		try (FakeBatchProvider provider = new FakeBatchProvider();
				LlmClient client = LlmClient.builder()
					.endpoint(provider.baseUrl())
					.apiKey("bench-key")
					.model("bench-model")
					.limits((limits) -> limits.withMaxConcurrent(MAX_CONCURRENT))
					.batchJobs((jobs) -> jobs.withPollInterval(Duration.ofMillis(10))
						.withMaxPollInterval(Duration.ofMillis(100)))
					.lifecycle((lifecycle) -> lifecycle.withEagerInit(false))
					.build()) {
			LlmBatchService service = new LlmBatchService(client);
			BatchJobOptions onProvider = BatchJobOptions.defaults().withMode(BatchJobSettings.Mode.PROVIDER);
			List<ChatRequest> warmUp = requests(WARM_UP_REQUESTS);
			List<ChatRequest> requests = requests(count);
			if (job) {
				check(finish(service.submit(warmUp, onProvider)).result(), WARM_UP_REQUESTS, "warm-up job");
				measureJob(heap, service, requests, onProvider);
			}
			else {
				check(service.chatAll(warmUp), WARM_UP_REQUESTS, "warm-up live batch");
				HeapWatch.Measured<BatchResult> live = heap.measure(() -> service.chatAll(requests));
				check(live.result(), count, "live batch");
				print("live", live);
			}
		}
		System.exit(0);
	}

	private static void measureJob(HeapWatch heap, LlmBatchService service, List<ChatRequest> requests,
			BatchJobOptions onProvider) throws Exception {
		HeapWatch.Measured<BatchJob<BatchResult>> write = heap.measure(() -> service.submit(requests, onProvider));
		print("write-upload", write);
		BatchJob<BatchResult> job = finish(write.result());
		HeapWatch.Measured<BatchResult> read = heap.measure(job::result);
		check(read.result(), requests.size(), "job");
		print("download-parse", read);
	}

	/** Prompts of a realistic size for a classification job: some 120 characters. */
	static List<ChatRequest> requests(int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> ChatRequest.of("Classify support ticket " + i
					+ " as billing, delivery or other: my parcel has not arrived and tracking shows no update."))
			.toList();
	}

	private static BatchJob<BatchResult> finish(BatchJob<BatchResult> job) {
		BatchJob.Status status = job.await(JOB_WAIT);
		if (status != BatchJob.Status.COMPLETED) {
			throw new IllegalStateException("job " + job.id() + " ended " + status + ", not COMPLETED");
		}
		return job;
	}

	private static void check(BatchResult result, int count, String what) {
		if (result.succeeded() != count) {
			throw new IllegalStateException(
					what + ": " + result.succeeded() + " of " + count + " answered, " + result.failed() + " failed");
		}
	}

	private static void print(String phase, HeapWatch.Measured<?> measured) {
		System.out.println(String.format(Locale.ROOT, "PHASE %s %.3f %d %d %d", phase, measured.nanos() / 1e9,
				measured.addedBytes(), measured.retainedBytes(), measured.peakUsedBytes()));
		System.out.flush();
	}

}
